/* hv/init/version.h - Name and version printed in the banner. HV_GIT_VERSION comes
 * from the Makefile (git describe), so a log says which build produced it. */
#ifndef HV_VERSION_H
#define HV_VERSION_H

#define HV_NAME "svm-hv"
#ifndef HV_GIT_VERSION
#define HV_GIT_VERSION "unknown"
#endif
#define HV_VERSION "0.1 (" HV_GIT_VERSION ")"

#endif
