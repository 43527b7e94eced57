/// Mail transactions: MAIL, RCPT, DATA and the message, pipelined when the server allows.
extension SMTPClientStateMachine {
    static func check(_ envelope: SMTPEnvelope, against capabilities: SMTPCapabilities) -> SMTPError? {
        guard !envelope.recipients.isEmpty else {
            return SMTPError(.messageUnsendable, "the email has no recipient; check the route's recipients", isTransient: false)
        }
        for (index, address) in ([envelope.sender] + envelope.recipients).enumerated() {
            let forbidden = address.unicodeScalars.contains {
                $0.properties.generalCategory == .control || $0 == " " || $0 == "<" || $0 == ">"
            }
            // The sender may be empty (the null reverse-path); a recipient may not.
            if forbidden || (address.isEmpty && index > 0) {
                let shown = String(String.UnicodeScalarView(address.unicodeScalars.filter { $0.properties.generalCategory != .control }))
                return SMTPError(
                    .messageUnsendable,
                    "the address \"\(shown)\" cannot be sent over SMTP (it is empty or holds spaces, angle brackets or control characters)",
                    isTransient: false
                )
            }
            if !address.allSatisfy(\.isASCII), !capabilities.smtpUTF8 {
                return SMTPError(
                    .messageUnsendable,
                    "the address \"\(address)\" is not ASCII and the SMTP server does not offer SMTPUTF8; use an ASCII address",
                    isTransient: false
                )
            }
        }
        if envelope.longestLine > DotStuffing.maximumLineLength {
            return SMTPError(
                .messageUnsendable,
                "the message has a line of \(envelope.longestLine) octets; SMTP allows \(DotStuffing.maximumLineLength) (RFC 5321 §4.5.3.1.6)",
                isTransient: false
            )
        }
        if envelope.containsEightBitData, !capabilities.eightBitMIME {
            return SMTPError(
                .messageUnsendable,
                "the message holds 8-bit data and the SMTP server does not offer 8BITMIME",
                isTransient: false
            )
        }
        if let limit = capabilities.maximumSize, envelope.messageSize > limit {
            return SMTPError(
                .messageTooLarge,
                "the message is \(envelope.messageSize) octets and the SMTP server takes at most \(limit) (its SIZE); send smaller attachments",
                isTransient: false
            )
        }
        return nil
    }

    /// Carries out what a reply did to the transaction. Only a transaction that did not deliver
    /// leaves state on the server for RSET to clear (RFC 5321 §4.1.1.5).
    mutating func proceed(_ transaction: Transaction, _ progress: Transaction.Progress) -> Action {
        switch progress {
        case .send(let commands):
            return .send(commands)
        case .readReply:
            return .readReply
        case .sendMessage:
            return .sendMessage
        case .delivered(let delivery):
            state = .ready(transaction.session, last: .delivered)
            return .delivered(delivery)
        case .failed(let error, .keep):
            state = .ready(transaction.session, last: .failed(mailAccepted: transaction.mailAccepted))
            return .failed(error, .keep)
        case .failed(let error, .quit):
            return fail(error, .quit)
        case .failed(let error, .drop):
            return fail(error, .drop)
        }
    }
}

extension SMTPClientStateMachine {
    /// One message's trip through MAIL FROM, RCPT TO and DATA: which reply comes next, and what
    /// the replies so far said.
    ///
    /// Without PIPELINING each reply is followed by the next command; with it, RSET, MAIL FROM,
    /// every RCPT TO and DATA went out together, and the replies are read in the same order.
    struct Transaction {
        /// The reply awaited now.
        enum Step: Equatable {
            case reset
            case mail
            /// The reply to the RCPT TO of `envelope.recipients[index]`.
            case recipient(Int)
            case data
            /// The reply to the end of the message.
            case message
            /// The reply to the empty DATA section that closes a pipelined group with nothing to deliver.
            case emptyData
        }

        /// A refusal that dooms the transaction whatever the recipients say.
        enum Refusal {
            case reset(SMTPReply)
            case sender(SMTPReply)
        }

        /// What to do after a reply.
        enum Progress {
            case send([SMTPCommand])
            case readReply
            case sendMessage
            case delivered(Delivery)
            case failed(SMTPError, Disposition)
        }

        let session: Session
        let envelope: SMTPEnvelope
        let mailCommand: SMTPCommand
        private(set) var step: Step
        /// Whether the server accepted MAIL FROM.
        private(set) var mailAccepted = false
        /// The first refusal of RSET or MAIL FROM.
        private var refusal: Refusal?
        private var accepted: [String] = []
        private var rejected: [(address: String, reply: SMTPReply)] = []

        /// - Parameter reset: the previous transaction did not deliver: RSET comes first.
        init(session: Session, envelope: SMTPEnvelope, mailCommand: SMTPCommand, reset: Bool) {
            self.session = session
            self.envelope = envelope
            self.mailCommand = mailCommand
            self.step = reset ? .reset : .mail
        }

        var pipelined: Bool { session.capabilities.pipelining }

        /// What to write to begin: the whole group when pipelining, else RSET or MAIL FROM.
        var firstCommands: [SMTPCommand] {
            let reset: [SMTPCommand] = step == .reset ? [.reset] : []
            guard pipelined else {
                return reset.isEmpty ? [mailCommand] : reset
            }
            return reset + [mailCommand] + envelope.recipients.map(SMTPCommand.recipient) + [.data]
        }

        var awaited: Awaited {
            switch step {
            case .reset: .reset
            case .mail: .mail
            case .recipient: .recipient
            case .data: .data
            case .message, .emptyData: .messageEnd
            }
        }

        mutating func receive(_ reply: SMTPReply) -> Progress {
            switch step {
            case .reset:
                step = .mail
                if !reply.isPositiveCompletion {
                    refusal = .reset(reply)
                    return pipelined ? .readReply : concludeFailure()
                }
                return pipelined ? .readReply : .send([mailCommand])

            case .mail:
                if reply.isPositiveIntermediate {
                    return .failed(.unexpected(reply, "to MAIL FROM"), .drop)
                }
                step = .recipient(0)
                if reply.isPositiveCompletion {
                    mailAccepted = true
                    return pipelined ? .readReply : .send([.recipient(envelope.recipients[0])])
                }
                refusal = refusal ?? .sender(reply)
                return pipelined ? .readReply : concludeFailure()

            case .recipient(let index):
                if reply.isPositiveIntermediate {
                    return .failed(.unexpected(reply, "to RCPT TO"), .drop)
                }
                let address = envelope.recipients[index]
                if reply.isPositiveCompletion {
                    accepted.append(address)
                } else {
                    rejected.append((address, reply))
                }
                let next = index + 1
                if next < envelope.recipients.count {
                    step = .recipient(next)
                    return pipelined ? .readReply : .send([.recipient(envelope.recipients[next])])
                }
                step = .data
                if pipelined {
                    return .readReply
                }
                return accepted.isEmpty ? concludeFailure() : .send([.data])

            case .data:
                let nothingToDeliver = refusal != nil || accepted.isEmpty
                if reply.code == 354 {
                    if nothingToDeliver {
                        // Pipelined: the server opened DATA though nothing can be delivered. End it empty.
                        step = .emptyData
                        return .send([.emptyDataTerminator])
                    }
                    step = .message
                    return .sendMessage
                }
                if reply.isPositiveCompletion || reply.isPositiveIntermediate {
                    return .failed(.unexpected(reply, "to DATA"), .drop)
                }
                if nothingToDeliver {
                    return concludeFailure()
                }
                return .failed(.rejected("SMTP server refused DATA", reply), .keep)

            case .emptyData:
                return concludeFailure()

            case .message:
                if reply.isPositiveCompletion {
                    let refused = Dictionary(
                        rejected.map { ($0.address, $0.reply.summary) },
                        uniquingKeysWith: { first, _ in first }
                    )
                    return .delivered(Delivery(accepted: accepted, rejected: refused, reply: reply))
                }
                if reply.isPositiveIntermediate {
                    return .failed(.unexpected(reply, "to the end of the message"), .drop)
                }
                return .failed(.rejected("SMTP server refused the message", reply), .keep)
            }
        }

        /// The transaction failed before the message was sent: report the first cause.
        private func concludeFailure() -> Progress {
            switch refusal {
            case .reset(let reply)?:
                return .failed(.rejected("SMTP server refused RSET", reply), .quit)
            case .sender(let reply)?:
                return .failed(.rejected("SMTP server refused the sender MAIL FROM:<\(envelope.sender)>", reply), .keep)
            case nil:
                let refusals = rejected.map { "\($0.address) (\($0.reply.summary))" }.joined(separator: "; ")
                let permanent = rejected.allSatisfy { $0.reply.isPermanentFailure }
                return .failed(SMTPError(
                    .recipientsRefused,
                    "SMTP server refused every recipient: \(refusals)",
                    isTransient: !permanent
                ), .keep)
            }
        }
    }
}
