/* phone-rescue-core.h — everything in the GTK-free core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "pr-classifier.h"
#include "pr-error.h"
#include "pr-firmware-store.h"
#include "pr-interfaces.h"
#include "pr-json.h"
#include "pr-models.h"
#include "pr-phone.h"
#include "pr-phone-registry.h"
#include "pr-request-record.h"
#include "pr-server.h"
#include "pr-store-path.h"
#include "pr-types.h"
