/* pr-sim-types.h — enumerations and small helpers of the phone simulator
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * PrSimProfile:
 * @PR_SIM_PROFILE_BOOTROM: a SIP-era BootROM phone (checks for a BootROM update first)
 * @PR_SIM_PROFILE_UPDATER: a UC Software 4+ phone whose BootROM slot holds an Updater
 * @PR_SIM_PROFILE_UP_TO_DATE: a BootROM phone whose flash already matches the server
 */
typedef enum {
  PR_SIM_PROFILE_BOOTROM,
  PR_SIM_PROFILE_UPDATER,
  PR_SIM_PROFILE_UP_TO_DATE,
} PrSimProfile;

/**
 * PrSimFault:
 * @PR_SIM_FAULT_NONE: no fault
 * @PR_SIM_FAULT_CUT_ONCE: the first full download of the application image is cut at half
 * @PR_SIM_FAULT_CUT_ALWAYS: every full download of the application image is cut at half
 */
typedef enum {
  PR_SIM_FAULT_NONE,
  PR_SIM_FAULT_CUT_ONCE,
  PR_SIM_FAULT_CUT_ALWAYS,
} PrSimFault;

/**
 * PrSimOutcome:
 * @PR_SIM_OUTCOME_NONE: not finished (not started, or still running)
 * @PR_SIM_OUTCOME_BOOTED: the application started and made its requests
 * @PR_SIM_OUTCOME_GAVE_UP: the phone stopped trying (see its reason)
 */
typedef enum {
  PR_SIM_OUTCOME_NONE,
  PR_SIM_OUTCOME_BOOTED,
  PR_SIM_OUTCOME_GAVE_UP,
} PrSimOutcome;

#define PR_SIM_TYPE_PROFILE (pr_sim_profile_get_type ())
#define PR_SIM_TYPE_FAULT   (pr_sim_fault_get_type ())
#define PR_SIM_TYPE_OUTCOME (pr_sim_outcome_get_type ())

GType        pr_sim_profile_get_type    (void) G_GNUC_CONST;
GType        pr_sim_fault_get_type      (void) G_GNUC_CONST;
GType        pr_sim_outcome_get_type    (void) G_GNUC_CONST;

/* "bootrom", "updater", "up-to-date"; "none", "cut-once", "cut-always";
 * "running", "booted", "gave-up" */
const char  *pr_sim_profile_to_string   (PrSimProfile  profile);
gboolean     pr_sim_profile_from_string (const char   *text,
                                         PrSimProfile *profile);
const char  *pr_sim_fault_to_string     (PrSimFault    fault);
gboolean     pr_sim_fault_from_string   (const char   *text,
                                         PrSimFault   *fault);
const char  *pr_sim_outcome_to_string   (PrSimOutcome  outcome);

/**
 * PrSimRequest:
 * One HTTP exchange the simulated phone made. @status is 0 when no response
 * arrived (connection refused, timeout); @complete is FALSE when the phone
 * stopped reading the body early (a header check or a cut).
 */
typedef struct {
  char     *method;
  char     *path;
  guint     status;
  goffset   bytes;
  gboolean  complete;
} PrSimRequest;

#define PR_SIM_TYPE_REQUEST (pr_sim_request_get_type ())

GType         pr_sim_request_get_type (void) G_GNUC_CONST;
PrSimRequest *pr_sim_request_new      (const char         *method,
                                       const char         *path,
                                       guint               status,
                                       goffset             bytes,
                                       gboolean            complete);
PrSimRequest *pr_sim_request_copy     (const PrSimRequest *request);
void          pr_sim_request_free     (PrSimRequest       *request);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PrSimRequest, pr_sim_request_free)

/* Dotted firmware versions, compared numerically segment by segment; a trailing
 * letter sorts after the bare number (4.2.0B > 4.2.0). Missing segments are 0.
 * NULL sorts before everything. */
int          pr_sim_version_compare     (const char   *a,
                                         const char   *b);
/* The first segment of a version as a number ("4.0.15.1009" → 4), 0 for NULL */
guint        pr_sim_version_major       (const char   *version);

G_END_DECLS
