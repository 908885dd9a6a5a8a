/* pr-store-path.h — turn a request path into a safe name inside the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @raw_path is the Request-URI path exactly as received (percent-encoded).
 * Returns a relative, decoded, normalised path ("SoundPointIPLocalization/x.xml")
 * or NULL with PR_ERROR_FORBIDDEN_PATH. Refused: "..", "." and empty segments
 * beyond a single leading '/', encoded '/', backslashes, NUL and control bytes,
 * invalid UTF-8, hidden names (".phone-rescue"), over-long paths. */
char     *pr_store_path_from_request (const char *raw_path,
                                      GError    **error);

/* TRUE if @relative is a path pr_store_path_from_request() could have produced. */
gboolean  pr_store_path_is_safe      (const char *relative);

G_END_DECLS
