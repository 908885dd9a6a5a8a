/* pr-types.h — enumerations shared across Phone Rescue's core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * PrStage:
 * Where a phone is in its rescue. See GUIDE §6 "Stages".
 */
typedef enum {
  PR_STAGE_WAITING,      /* seen, nothing being flashed */
  PR_STAGE_BOOTLOADER,   /* a BootROM/Updater image is being downloaded */
  PR_STAGE_APPLICATION,  /* the application image is being downloaded */
  PR_STAGE_DONE,         /* the application is running */
  PR_STAGE_FAILED,       /* something a person must fix; see the phone's reason */
} PrStage;

/**
 * PrSender:
 * Which program on the phone sent a request.
 */
typedef enum {
  PR_SENDER_UNKNOWN,      /* not a phone, or not decidable */
  PR_SENDER_BOOTROM,      /* SIP-era BootROM */
  PR_SENDER_UPDATER,      /* UC Software 4+ Updater (Type/Updater) */
  PR_SENDER_APPLICATION,  /* the SIP/UC application */
  PR_SENDER_BROWSER,      /* the phone's Microbrowser: not provisioning */
} PrSender;

/**
 * PrFileKind:
 * What a requested file is.
 */
typedef enum {
  PR_FILE_OTHER,
  PR_FILE_BOOTROM_IMAGE,   /* bootrom.ld, <part>.bootrom.ld */
  PR_FILE_APP_IMAGE,       /* sip.ld, <part>.sip.ld, any other *.ld */
  PR_FILE_MASTER_CONFIG,   /* <mac>.cfg, 000000000000.cfg */
  PR_FILE_APP_CONFIG,      /* sip.cfg, phone1.cfg, <mac>-phone.cfg, -web.cfg, -license.cfg, … */
  PR_FILE_DIRECTORY,       /* -directory.xml, -calls.xml */
  PR_FILE_LOG,             /* <mac>-boot.log, <mac>-app.log */
  PR_FILE_VERSION,         /* sip.ver, bootrom.ver */
} PrFileKind;

const char *pr_stage_to_string     (PrStage    stage);
const char *pr_sender_to_string    (PrSender   sender);
const char *pr_file_kind_to_string (PrFileKind kind);

G_END_DECLS
