// The settings, the components and the Lambda function's wiring, shared with the lean Lambda
// executable: whoever imports the app imports them.
@_exported import SMSRelayLambdaApp
