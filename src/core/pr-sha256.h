/* pr-sha256.h — SHA-256 of files and buffers (a thin nettle wrapper)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <nettle/sha2.h>

G_BEGIN_DECLS

#define PR_SHA256_HEX_LEN 64

typedef struct {
  struct sha256_ctx ctx;
} PrSha256;

void      pr_sha256_init    (PrSha256     *self);
void      pr_sha256_update  (PrSha256     *self,
                             const void   *data,
                             gsize         len);
/* Writes 64 lowercase hex digits and a NUL into @hex; resets @self */
void      pr_sha256_finish  (PrSha256     *self,
                             char          hex[PR_SHA256_HEX_LEN + 1]);

/* Hash the file at @path (opened relative to @dirfd, or AT_FDCWD) */
gboolean  pr_sha256_file_at (int           dirfd,
                             const char   *path,
                             char          hex[PR_SHA256_HEX_LEN + 1],
                             goffset      *size_out,
                             GError      **error);

gboolean  pr_sha256_is_hex  (const char   *text);

G_END_DECLS
