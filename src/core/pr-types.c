/* pr-types.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pr-types.h"

const char *
pr_stage_to_string (PrStage stage)
{
  switch (stage)
    {
    case PR_STAGE_WAITING:     return "waiting";
    case PR_STAGE_BOOTLOADER:  return "bootloader";
    case PR_STAGE_APPLICATION: return "application";
    case PR_STAGE_DONE:        return "done";
    case PR_STAGE_FAILED:      return "failed";
    default:                   return "unknown";
    }
}

const char *
pr_sender_to_string (PrSender sender)
{
  switch (sender)
    {
    case PR_SENDER_BOOTROM:     return "bootrom";
    case PR_SENDER_UPDATER:     return "updater";
    case PR_SENDER_APPLICATION: return "application";
    case PR_SENDER_BROWSER:     return "browser";
    case PR_SENDER_UNKNOWN:
    default:                    return "unknown";
    }
}

const char *
pr_file_kind_to_string (PrFileKind kind)
{
  switch (kind)
    {
    case PR_FILE_BOOTROM_IMAGE: return "bootrom-image";
    case PR_FILE_APP_IMAGE:     return "application-image";
    case PR_FILE_MASTER_CONFIG: return "master-config";
    case PR_FILE_APP_CONFIG:    return "config";
    case PR_FILE_DIRECTORY:     return "directory";
    case PR_FILE_LOG:           return "log";
    case PR_FILE_VERSION:       return "version";
    case PR_FILE_OTHER:
    default:                    return "other";
    }
}
