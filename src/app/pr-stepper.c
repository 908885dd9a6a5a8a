/* pr-stepper.c — Bootloader → Application → Done
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "pr-stepper.h"
#include "pr-widget-util.h"

typedef enum {
  STEP_PENDING,
  STEP_CURRENT,
  STEP_COMPLETE,
  STEP_FAILED,
} StepState;

struct _PrStepper
{
  GtkWidget  parent_instance;

  GtkWidget *step1;
  GtkWidget *step2;
  GtkWidget *step3;
  GtkImage  *icon1;
  GtkImage  *icon2;
  GtkImage  *icon3;
};

G_DEFINE_FINAL_TYPE (PrStepper, pr_stepper, GTK_TYPE_WIDGET)

static const char *const state_classes[] = { "pending", "current", "complete", "failed" };
static const char *const state_icons[] = {
  "pr-step-pending-symbolic",
  "pr-step-current-symbolic",
  "object-select-symbolic",
  "window-close-symbolic",
};

static const char *
state_description (StepState state)
{
  switch (state)
    {
    case STEP_CURRENT:  return _("current step");
    case STEP_COMPLETE: return _("finished");
    case STEP_FAILED:   return _("failed");
    case STEP_PENDING:
    default:            return _("not yet");
    }
}

static void
set_step (GtkWidget *step,
          GtkImage  *icon,
          StepState  state)
{
  /* Cards update ten times a second: touching styles that did not change
   * would restyle (and re-measure) every card each time */
  if (gtk_widget_has_css_class (step, state_classes[state]))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
    gtk_widget_remove_css_class (step, state_classes[i]);
  gtk_widget_add_css_class (step, state_classes[state]);
  gtk_image_set_from_icon_name (icon, state_icons[state]);
  gtk_accessible_update_property (GTK_ACCESSIBLE (step),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, state_description (state),
                                  -1);
}

/* 0 for the bootloader step, 1 for the application step, -1 before either */
static int
step_index (PrStage stage)
{
  switch (stage)
    {
    case PR_STAGE_BOOTLOADER:  return 0;
    case PR_STAGE_APPLICATION: return 1;
    case PR_STAGE_DONE:        return 2;
    case PR_STAGE_WAITING:
    case PR_STAGE_FAILED:
    default:                   return -1;
    }
}

/* The state of step @index (0, 1, 2) for a phone at @stage that got as far as
 * @reached. A waiting phone has finished the step it reached (it rebooted). */
static StepState
step_state (int     index,
            PrStage stage,
            PrStage reached)
{
  int at = step_index (stage);

  if (stage == PR_STAGE_DONE)
    return STEP_COMPLETE;
  if (at < 0)
    at = step_index (reached);
  if (at < 0 || index > at)
    return index == 0 && stage == PR_STAGE_FAILED ? STEP_FAILED : STEP_PENDING;
  if (index < at)
    return STEP_COMPLETE;
  if (stage == PR_STAGE_FAILED)
    return STEP_FAILED;
  return stage == PR_STAGE_WAITING ? STEP_COMPLETE : STEP_CURRENT;
}

void
pr_stepper_set_stage (PrStepper *self,
                      PrStage    stage,
                      PrStage    reached)
{
  g_return_if_fail (PR_IS_STEPPER (self));

  set_step (self->step1, self->icon1, step_state (0, stage, reached));
  set_step (self->step2, self->icon2, step_state (1, stage, reached));
  set_step (self->step3, self->icon3, step_state (2, stage, reached));
}

static void
pr_stepper_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), PR_TYPE_STEPPER);
  clear_children (GTK_WIDGET (object));
  G_OBJECT_CLASS (pr_stepper_parent_class)->dispose (object);
}

static void
pr_stepper_class_init (PrStepperClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pr_stepper_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
      "/io/github/phonerescue/PhoneRescue/pr-stepper.ui");
  gtk_widget_class_set_css_name (widget_class, "stepper");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_bind_template_child (widget_class, PrStepper, step1);
  gtk_widget_class_bind_template_child (widget_class, PrStepper, step2);
  gtk_widget_class_bind_template_child (widget_class, PrStepper, step3);
  gtk_widget_class_bind_template_child (widget_class, PrStepper, icon1);
  gtk_widget_class_bind_template_child (widget_class, PrStepper, icon2);
  gtk_widget_class_bind_template_child (widget_class, PrStepper, icon3);
}

static void
pr_stepper_init (PrStepper *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  pr_stepper_set_stage (self, PR_STAGE_WAITING, PR_STAGE_WAITING);
}
