// Keeps the Lambda package runnable on Amazon Linux 2023 (glibc 2.34) when it is built on a
// newer glibc: see hypot.c. Nothing to call from Swift.
#pragma once
