# Reference values for the outcome statistics of analytics/stats (Kaplan-Meier
# quantiles, Cox regression with cox.zph, exact Poisson intervals, DL
# meta-regression), written as JSON fixtures under test/fixtures/r/.
# Run from the repository root:
#   Rscript scripts/r/make-fixtures-outcomes.R
# Needs (Debian bookworm): r-base-core r-cran-survival r-cran-metafor r-cran-jsonlite.

suppressPackageStartupMessages({
  library(survival)
  library(metafor)
  library(jsonlite)
})

generator <- "scripts/r/make-fixtures-outcomes.R"
source(file.path("scripts", "r", "fixture-io.R"))

# ------------------------------------------------------------ outcome data --
# A small synthetic multi-centre cohort: three centres, two diseases, times in
# whole weeks (so there are ties), about a third censored. Written out so the
# TypeScript tests feed the kit exactly these rows.
set.seed(20240601)
n <- 240
centre <- sample(c("amstel", "lakeshore", "riverside"), n, replace = TRUE)
disease <- sample(c("melanoma", "renal_cell_carcinoma"), n, replace = TRUE, prob = c(0.45, 0.55))
age <- round(rnorm(n, 56, 9))
lp <- 0.4 * (centre == "lakeshore") - 0.3 * (centre == "riverside") + 0.5 * (disease == "melanoma") + 0.02 * (age - 56)
t_event <- rexp(n, rate = exp(lp) / 60)
t_cens <- runif(n, 10, 200)
time <- pmax(1, round(pmin(t_event, t_cens)))
status <- as.integer(t_event <= t_cens)
outc <- data.frame(time, status, centre, disease, age, stringsAsFactors = FALSE)

write_fixture("data-outcomes", list(
  source = "synthetic: set.seed(20240601); 240 subjects, exponential event times by centre, disease and age, uniform censoring, rounded to whole weeks",
  columns = list(time = outc$time, status = outc$status, centre = outc$centre, disease = outc$disease, age = outc$age)
))

# -------------------------------------------------------- KM quantiles --
quant <- function(fit) {
  q <- quantile(fit, probs = c(0.25, 0.5, 0.75))
  strata <- if (is.null(fit$strata)) "all" else sub("^[^=]*=", "", names(fit$strata))
  m <- function(x) if (is.matrix(x)) x else matrix(x, nrow = 1)
  lapply(seq_along(strata), function(i) list(
    stratum = strata[i],
    probs = arr(c(0.25, 0.5, 0.75)),
    quantile = arr(m(q$quantile)[i, ]), lower = arr(m(q$lower)[i, ]), upper = arr(m(q$upper)[i, ])
  ))
}
lung_df <- survival::lung
aml_df <- survival::aml
flat <- data.frame(time = c(1, 2, 3, 4), status = c(1, 1, 0, 1)) # S = 0.5 exactly from t = 2 until t = 4
censored <- data.frame(time = c(3, 5, 8, 9, 12), status = c(0, 1, 0, 0, 0)) # median not reached
tail_half <- data.frame(time = c(1, 2, 3, 4), status = c(1, 1, 0, 0)) # S ends at 0.5
km_calls <- list(
  aml_all = "quantile(survfit(Surv(time, status) ~ 1, data = aml), c(.25, .5, .75))",
  lung_sex = "quantile(survfit(Surv(time, status) ~ sex, data = lung), c(.25, .5, .75))",
  outcomes_centre = "quantile(survfit(Surv(time, status) ~ centre, data = outcomes), c(.25, .5, .75))",
  flat = "time c(1,2,3,4), status c(1,1,0,1): S = 0.5 on [2, 4)",
  censored = "time c(3,5,8,9,12), status c(0,1,0,0,0): median not reached",
  tail_half = "time c(1,2,3,4), status c(1,1,0,0): the curve ends at S = 0.5"
)
write_fixture("km-quantiles", list(
  provenance = provenance(km_calls, "survival", "quantile.survfit, conf.type 'log' (survfit default), tolerance sqrt(.Machine$double.eps); NA (not reached) written as null"),
  fits = list(
    aml_all = quant(survfit(Surv(time, status) ~ 1, data = aml_df)),
    lung_sex = quant(survfit(Surv(time, status) ~ sex, data = lung_df)),
    outcomes_centre = quant(survfit(Surv(time, status) ~ centre, data = outc)),
    flat = quant(survfit(Surv(time, status) ~ 1, data = flat)),
    censored = quant(survfit(Surv(time, status) ~ 1, data = censored)),
    tail_half = quant(survfit(Surv(time, status) ~ 1, data = tail_half))
  )
))

# ------------------------------------------------------------------ Cox --
ctl <- coxph.control(eps = 1e-12, toler.chol = 1e-14, iter.max = 50)
cox_out <- function(fit) {
  z <- cox.zph(fit, transform = "km")
  s <- summary(fit)$coefficients
  list(
    terms = arr(names(fit$coefficients)),
    coef = arr(unname(fit$coefficients)),
    se = arr(unname(sqrt(diag(fit$var)))),
    z = arr(unname(s[, "z"])),
    p = arr(unname(s[, "Pr(>|z|)"])),
    loglik = arr(fit$loglik),
    n = fit$n, nevent = fit$nevent,
    zph = list(names = arr(rownames(z$table)), chisq = arr(unname(z$table[, "chisq"])),
               df = arr(unname(z$table[, "df"])), p = arr(unname(z$table[, "p"])))
  )
}
lung_cc <- lung_df[!is.na(lung_df$age) & !is.na(lung_df$sex), ]
write_fixture("data-lung-cox", list(
  source = "survival::lung rows with age and sex recorded; status 1 = censored, 2 = dead",
  columns = list(time = lung_cc$time, status = lung_cc$status, age = lung_cc$age, sex = lung_cc$sex)
))
outc$centre <- factor(outc$centre)
outc$disease <- factor(outc$disease)
cox_calls <- list(
  lung = "coxph(Surv(time, status) ~ age + sex, data = lung, ties = 'efron', control = ctl); cox.zph(fit, transform = 'km')",
  outcomes = "coxph(Surv(time, status) ~ centre + disease, data = outcomes, ties = 'efron', control = ctl); cox.zph(fit, transform = 'km')",
  outcomes_age = "coxph(Surv(time, status) ~ centre + disease + age, data = outcomes, ties = 'efron', control = ctl); cox.zph(fit, transform = 'km')"
)
write_fixture("cox", list(
  provenance = provenance(cox_calls, "survival",
    "ctl = coxph.control(eps = 1e-12, toler.chol = 1e-14, iter.max = 50): converged further than the default eps = 1e-9 so the comparison tests the estimator, not the stopping rule. Factor levels in sorted order, first level the reference. zph rows are terms (a factor is one row with df = levels - 1) and GLOBAL."),
  fits = list(
    lung = cox_out(coxph(Surv(time, status) ~ age + sex, data = lung_cc, ties = "efron", control = ctl)),
    outcomes = cox_out(coxph(Surv(time, status) ~ centre + disease, data = outc, ties = "efron", control = ctl)),
    outcomes_age = cox_out(coxph(Surv(time, status) ~ centre + disease + age, data = outc, ties = "efron", control = ctl))
  )
))

# ------------------------------------------------------- exact Poisson --
pois_cases <- list(c(0, 100), c(1, 100), c(3, 57.5), c(12, 240), c(250, 1000))
write_fixture("poisson-exact", list(
  provenance = provenance(list(all = "poisson.test(x, T)$conf.int (conf.level 0.95), and conf.level 0.9"), character(),
    "x events in exposure T; the interval is for the rate x / T"),
  cases = lapply(pois_cases, function(c) {
    a <- poisson.test(c[1], c[2])$conf.int
    b <- poisson.test(c[1], c[2], conf.level = 0.9)$conf.int
    list(x = c[1], exposure = c[2], lower95 = a[1], upper95 = a[2], lower90 = b[1], upper90 = b[2])
  })
))

# ------------------------------------------------- DL meta-regression --
bcg <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = metadat::dat.bcg)
mr <- function(fit) list(
  coef = arr(unname(coef(fit))), se = arr(unname(fit$se)), z = arr(unname(fit$zval)), p = arr(unname(fit$pval)),
  lower = arr(unname(fit$ci.lb)), upper = arr(unname(fit$ci.ub)),
  tau2 = fit$tau2, I2 = fit$I2, H2 = fit$H2, QE = fit$QE, QEp = fit$QEp, QM = fit$QM, QMp = fit$QMp, k = fit$k, p_terms = fit$p
)
small <- data.frame(yi = c(0.2, 0.5, 0.1, 0.9, 0.4), vi = c(0.05, 0.08, 0.02, 0.1, 0.04), x = c(1, 2, 0.5, 3, 1.5))
mr_calls <- list(
  bcg_ablat = "rma(yi, vi, mods = ~ ablat, data = escalc('RR', ... dat.bcg), method = 'DL')",
  bcg_ablat_year = "rma(yi, vi, mods = ~ ablat + year, data = ..., method = 'DL')",
  small = "rma(yi, vi, mods = ~ x, data = small, method = 'DL') with yi, vi, x written in the fixture (tau2 truncated at 0)"
)
write_fixture("meta-regression", list(
  provenance = provenance(mr_calls, c("metafor"), "Wald-type z tests (metafor's default test = 'z'); QM is the omnibus test of the moderators"),
  small = list(yi = arr(small$yi), vi = arr(small$vi), x = arr(small$x)),
  fits = list(
    bcg_ablat = mr(rma(yi, vi, mods = ~ ablat, data = bcg, method = "DL")),
    bcg_ablat_year = mr(rma(yi, vi, mods = ~ ablat + year, data = bcg, method = "DL")),
    small = mr(rma(yi, vi, mods = ~ x, data = small, method = "DL"))
  ),
  bcg = list(yi = arr(bcg$yi), vi = arr(bcg$vi), ablat = arr(bcg$ablat), year = arr(bcg$year))
))
