/* tests/host/lwproc/test_lwproc.c, built for the image. */
#define RUMPIMG_IMAGE
#include "../../host/lwproc/test_lwproc.c"
