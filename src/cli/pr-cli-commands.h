/* pr-cli-commands.h — `phone-rescue-cli import` and `phone-rescue-cli store`
 *
 * argv[0] is the subcommand name.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

int pr_cli_import (int argc, char **argv);
int pr_cli_store  (int argc, char **argv);

/* Shared by both: a JSON array of strings */
char *pr_cli_json_string_array (const char *const *strv);

G_END_DECLS
