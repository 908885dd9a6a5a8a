/* pr-test-util.h — small helpers shared by the test programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Remove @path and everything below it (symlinks are removed, not followed) */
void pr_test_remove_tree (const char *path);

G_END_DECLS
