/* pr-hash-pipe.h — write files and SHA-256 them, shared with a helper thread
 *
 * One feeding thread. Work is queued and done in order. Each file's data is
 * hashed by the helper and written by whichever thread has time; its digest
 * is written where pr_hash_pipe_finish_to() was told, and its descriptor
 * closed, at the latest when pr_hash_pipe_wait() returns.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "pr-sha256.h"

G_BEGIN_DECLS

typedef struct _PrHashPipe PrHashPipe;

PrHashPipe *pr_hash_pipe_new       (void);
/* Starts a file: what is fed from now on is hashed and written to @fd from
 * offset 0 (@fd < 0: only hashed). The pipe owns @fd from now on and closes
 * it; @name is for pr_hash_pipe_get_error(). */
void        pr_hash_pipe_begin     (PrHashPipe *self,
                                    int         fd,
                                    const char *name);
/* Copies @data (the caller may reuse it at once); blocks only when the
 * helper is a whole ring behind. FALSE once a write or close has failed. */
gboolean    pr_hash_pipe_update    (PrHashPipe *self,
                                    const void *data,
                                    gsize       len);
/* Ends the file. Its digest is to be written into @hex (64 hex digits and a
 * NUL), its descriptor closed. Does not wait: @hex must stay valid, and
 * unread, until pr_hash_pipe_wait() returns. */
void        pr_hash_pipe_finish_to (PrHashPipe *self,
                                    char       *hex);
/* Gives the file up (nothing of it is hashed; what was written stays); closes
 * its descriptor. Does nothing between files. */
void        pr_hash_pipe_abort     (PrHashPipe *self);
/* Waits until everything queued is hashed, written and closed, every digest
 * in place. FALSE when a write or close failed (see pr_hash_pipe_get_error);
 * a failure stops the writes of its own file only: files queued before it
 * are still written whole. */
gboolean    pr_hash_pipe_wait      (PrHashPipe *self);
/* The first failure: the system's errno and the name given to _begin().
 * Call after _update() or _wait() returned FALSE. */
gboolean    pr_hash_pipe_get_error (PrHashPipe  *self,
                                    int         *errno_out,
                                    const char **name_out);
/* Waits for what is queued, then stops the helper */
void        pr_hash_pipe_free      (PrHashPipe *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PrHashPipe, pr_hash_pipe_free)

G_END_DECLS
