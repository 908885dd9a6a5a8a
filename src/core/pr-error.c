/* pr-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pr-error.h"

G_DEFINE_QUARK (phone-rescue-error-quark, pr_error)
