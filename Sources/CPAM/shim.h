// Linux-PAM's application interface (Debian: libpam0g-dev), for the unlock of a locked screen.
#include <security/pam_appl.h>
