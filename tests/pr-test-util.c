/* pr-test-util.c — small helpers shared by the test programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <fcntl.h>
#include <unistd.h>

#include "pr-store-txn.h"
#include "pr-test-util.h"

void
pr_test_remove_tree (const char *path)
{
  g_autofree char *parent = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GError) error = NULL;
  int fd = open (parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0)
    return;
  pr_store_remove_tree_at (fd, base, &error);
  g_assert_no_error (error);
  close (fd);
}
