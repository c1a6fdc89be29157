/* cmd_pending.c — commands whose learner is not built yet.  Each learner's
 * cmd_NAME.c replaces its entry here. */
#include "cli.h"
#include "commands.h"

#define PENDING(name)                                                          \
    int cmd_##name(int argc, char **argv)                                      \
    {                                                                          \
        (void)argc; (void)argv;                                                \
        return cli_fail("%s: not available in this build", #name);             \
    }

PENDING(ae)
