/* tests/host/kernel/test_mount.c, built for the image. */
#define RUMPIMG_IMAGE
#include "../../host/kernel/test_mount.c"
