// A core file that includes a command family: the include rules must refuse it.
#include "src/commands/keys/util.h"
