// glibc 2.35 gave hypot and hypotf new symbol versions. A binary linked on a newer glibc then
// needs GLIBC_2.35 and fails to start on Amazon Linux 2023 (glibc 2.34), where Lambda's
// provided.al2023 runtime runs it. scripts/package-lambda.sh links with --wrap=hypot and
// --wrap=hypotf, so the statically linked Swift libraries call these wrappers, which bind to the
// older versions: every glibc since 2005 has them, and they compute the same results.
// Without --wrap (ordinary builds) nothing calls them.
#include "GlibcCompat.h"

#if defined(__linux__)
#include <features.h>  // defines __GLIBC__
#endif

#if defined(__linux__) && defined(__GLIBC__) && (defined(__x86_64__) || defined(__aarch64__))
#if defined(__x86_64__)
__asm__(".symver smsrelay_compat_hypot, hypot@GLIBC_2.2.5");
__asm__(".symver smsrelay_compat_hypotf, hypotf@GLIBC_2.2.5");
#else
__asm__(".symver smsrelay_compat_hypot, hypot@GLIBC_2.17");
__asm__(".symver smsrelay_compat_hypotf, hypotf@GLIBC_2.17");
#endif
extern double smsrelay_compat_hypot(double x, double y);
extern float smsrelay_compat_hypotf(float x, float y);

double __wrap_hypot(double x, double y) { return smsrelay_compat_hypot(x, y); }
float __wrap_hypotf(float x, float y) { return smsrelay_compat_hypotf(x, y); }
#else
#include <math.h>
double __wrap_hypot(double x, double y) { return hypot(x, y); }
float __wrap_hypotf(float x, float y) { return hypotf(x, y); }
#endif
