// A command family may include the core.
#include "src/db.h"
