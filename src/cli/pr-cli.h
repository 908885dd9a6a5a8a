/* pr-cli.h — the subcommands of phone-rescue-cli and what they share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit codes: 0 success, 1 failure, 2 the user must choose or fix the command line */
#define PR_CLI_EXIT_OK       0
#define PR_CLI_EXIT_FAILURE  1
#define PR_CLI_EXIT_USAGE    2

int  pr_cli_interfaces (int argc, char **argv);
int  pr_cli_serve      (int argc, char **argv);

/* Print one JSON line on stdout */
void pr_cli_print_json (char *line);
/* An error or warning: human text on stderr, and a JSON event on stdout in --json mode */
void pr_cli_report     (gboolean json, const char *event, const char *message);

G_END_DECLS
