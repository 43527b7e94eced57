// Keeps the Lambda package runnable on Amazon Linux 2023 (glibc 2.34) when it is built on a
// newer glibc: see hypot.c. scripts/package-lambda.sh links with --wrap=hypot --wrap=hypotf,
// which sends every call of the statically linked Swift libraries here.
#pragma once

double __wrap_hypot(double x, double y);
float __wrap_hypotf(float x, float y);
