// glibc 2.35 gave hypot and hypotf new symbol versions. A binary linked on a newer glibc then
// needs GLIBC_2.35 and fails to start on Amazon Linux 2023 (glibc 2.34), where Lambda's
// provided.al2023 runtime runs it. The statically linked Swift libraries are the only users of
// these two functions; defining them here binds every such use to the older versions, which
// every glibc since 2005 has and which compute the same results.
#if defined(__linux__)
#include <features.h>  // defines __GLIBC__
#endif
#if defined(__linux__) && defined(__GLIBC__)
#if defined(__x86_64__)
__asm__(".symver smsrelay_compat_hypot, hypot@GLIBC_2.2.5");
__asm__(".symver smsrelay_compat_hypotf, hypotf@GLIBC_2.2.5");
#define SMSRELAY_COMPAT_HYPOT 1
#elif defined(__aarch64__)
__asm__(".symver smsrelay_compat_hypot, hypot@GLIBC_2.17");
__asm__(".symver smsrelay_compat_hypotf, hypotf@GLIBC_2.17");
#define SMSRELAY_COMPAT_HYPOT 1
#endif

#ifdef SMSRELAY_COMPAT_HYPOT
extern double smsrelay_compat_hypot(double x, double y);
extern float smsrelay_compat_hypotf(float x, float y);

double hypot(double x, double y) { return smsrelay_compat_hypot(x, y); }
float hypotf(float x, float y) { return smsrelay_compat_hypotf(x, y); }
#endif
#endif
