// A core file that includes only the core: the include rules accept it.
#include "src/db.h"
