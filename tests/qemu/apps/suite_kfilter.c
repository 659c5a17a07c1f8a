/* tests/host/kernel/test_kfilter.c, built for the image. */
#define RUMPIMG_IMAGE
#include "../../host/kernel/test_kfilter.c"
