/* TCP options for programs in the image: NetBSD's numbers. */
#ifndef RUMPIMG_NETINET_TCP_H
#define RUMPIMG_NETINET_TCP_H

#define TCP_NODELAY 1

#endif
