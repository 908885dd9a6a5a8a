/* pr-hash-pipe.h — SHA-256 in a helper thread, beside the thread that extracts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "pr-sha256.h"

G_BEGIN_DECLS

typedef struct _PrHashPipe PrHashPipe;

PrHashPipe *pr_hash_pipe_new    (void);
/* Copies @data (the caller may reuse it at once); blocks only when the
 * helper is several slots behind */
void        pr_hash_pipe_update (PrHashPipe *self,
                                 const void *data,
                                 gsize       len);
/* Forgets what was fed since the last finish (an entry given up half way) */
void        pr_hash_pipe_reset  (PrHashPipe *self);
/* The digest of everything fed since the last finish or reset; waits for the helper */
void        pr_hash_pipe_finish (PrHashPipe *self,
                                 char        hex[PR_SHA256_HEX_LEN + 1]);
void        pr_hash_pipe_free   (PrHashPipe *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PrHashPipe, pr_hash_pipe_free)

G_END_DECLS
