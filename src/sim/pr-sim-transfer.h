/* pr-sim-transfer.h — one HTTP exchange as a Polycom phone makes it
 *
 * A transfer sends one request on a SoupSession and reads the answer the way
 * a phone does:
 *  - a text file (config, directory) or an upload answer is read whole;
 *  - an image (*.ld) is read header first: when its first
 *    PR_SIM_IMAGE_HEADER_SIZE bytes equal the header of the image in flash the
 *    phone stops reading and drops the connection ("unchanged"); otherwise it
 *    reads the rest, hashing it (SHA-256), and checks the byte count against
 *    Content-Length. A cut (fault injection) stops reading at half the body
 *    and drops the connection as well.
 * Stopping early closes the body stream before its end, which makes libsoup
 * disconnect instead of returning the connection to its pool: the server
 * sees the exchange aborted, as with a real phone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define PR_SIM_IMAGE_HEADER_SIZE 64

/**
 * PrSimTransferEnd:
 * @PR_SIM_TRANSFER_COMPLETE: the whole body was read
 * @PR_SIM_TRANSFER_UNCHANGED: an image header matched flash; reading stopped
 * @PR_SIM_TRANSFER_CUT: reading stopped at half the body (fault injection)
 * @PR_SIM_TRANSFER_SHORT: the body ended before Content-Length bytes
 */
typedef enum {
  PR_SIM_TRANSFER_COMPLETE,
  PR_SIM_TRANSFER_UNCHANGED,
  PR_SIM_TRANSFER_CUT,
  PR_SIM_TRANSFER_SHORT,
} PrSimTransferEnd;

#define PR_SIM_TYPE_TRANSFER (pr_sim_transfer_get_type ())
G_DECLARE_FINAL_TYPE (PrSimTransfer, pr_sim_transfer, PR_SIM, TRANSFER, GObject)

PrSimTransfer    *pr_sim_transfer_new                (SoupSession         *session,
                                                      const char          *method,
                                                      GUri                *uri,
                                                      const char          *user_agent);
/* PUT body */
void              pr_sim_transfer_set_upload         (PrSimTransfer       *self,
                                                      GBytes              *body,
                                                      const char          *content_type);
/* Read the answer as an image. @flash_header is the header of the image in
 * flash (NULL: nothing in flash); with @flash_matches_anything every header
 * counts as unchanged (a phone that is already up to date). */
void              pr_sim_transfer_set_image_check    (PrSimTransfer       *self,
                                                      GBytes              *flash_header,
                                                      gboolean             flash_matches_anything);
/* Stop a full image download at half its Content-Length */
void              pr_sim_transfer_set_cut            (PrSimTransfer       *self,
                                                      gboolean             cut);
/* Read at most @bytes_per_second (0: as fast as possible) */
void              pr_sim_transfer_set_skip_checksum  (PrSimTransfer       *self,
                                                     gboolean             skip);
void              pr_sim_transfer_set_rate_limit     (PrSimTransfer       *self,
                                                      guint64              bytes_per_second);

void              pr_sim_transfer_run_async          (PrSimTransfer       *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
/* FALSE with @error when no answer could be read (refused, timeout, cancelled) */
gboolean          pr_sim_transfer_run_finish         (PrSimTransfer       *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

const char       *pr_sim_transfer_get_method         (PrSimTransfer       *self);
/* The request path, e.g. "/2345-12360-001.sip.ld" */
const char       *pr_sim_transfer_get_path           (PrSimTransfer       *self);
guint             pr_sim_transfer_get_status         (PrSimTransfer       *self);
PrSimTransferEnd  pr_sim_transfer_get_end            (PrSimTransfer       *self);
gboolean          pr_sim_transfer_get_complete       (PrSimTransfer       *self);
/* Body bytes read */
goffset           pr_sim_transfer_get_bytes          (PrSimTransfer       *self);
/* Content-Length of the answer, -1 when not given */
goffset           pr_sim_transfer_get_content_length (PrSimTransfer       *self);
/* A text answer's body (bounded to 1 MiB), or NULL for images */
GBytes           *pr_sim_transfer_get_body           (PrSimTransfer       *self);
/* An image's first bytes as read, or NULL */
GBytes           *pr_sim_transfer_get_header         (PrSimTransfer       *self);
/* SHA-256 of a completely read image, or NULL */
const char       *pr_sim_transfer_get_sha256         (PrSimTransfer       *self);

G_END_DECLS
