# Reference values for (1) the REML random-effects meta-regression of the practice → outcome analysis
# (metafor::rma(method = "REML"), metafor's default estimator) and (2) the doses-reached funnel of mean doses per
# cycle (Spiegelhalter 2005 normal limits), written as JSON fixtures under test/fixtures/r/.
# Run from the repository root:
#   Rscript scripts/r/make-fixtures-reml-funnel.R
# Needs (Debian bookworm): r-base-core r-cran-metafor r-cran-jsonlite.

suppressPackageStartupMessages({
  library(metafor)
  library(jsonlite)
})

generator <- "scripts/r/make-fixtures-reml-funnel.R"
source(file.path("scripts", "r", "fixture-io.R"))

# ------------------------------------------------ REML meta-regression --
bcg <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = metadat::dat.bcg)
mr <- function(fit) list(
  coef = arr(unname(coef(fit))), se = arr(unname(fit$se)), z = arr(unname(fit$zval)), p = arr(unname(fit$pval)),
  lower = arr(unname(fit$ci.lb)), upper = arr(unname(fit$ci.ub)),
  tau2 = fit$tau2, I2 = fit$I2, H2 = fit$H2, QE = fit$QE, QEp = fit$QEp, QM = fit$QM, QMp = fit$QMp, k = fit$k, p_terms = fit$p,
  method = fit$method, iterations = fit$iter
)
# Five centres as the practice → outcome analysis sees them: mean doses per cycle (variance of the mean) against
# a practice measure, and response log-odds with escalc("PLO")'s variance.
centres <- data.frame(
  yi = c(8.1, 9.4, 11.2, 10.3, 12.0), vi = c(0.21, 0.18, 0.25, 0.09, 0.30),
  x = c(0.92, 0.71, 0.48, 0.63, 0.31)
)
resp <- escalc(measure = "PLO", xi = c(4, 7, 3, 9, 5), ni = c(30, 31, 29, 60, 28))
resp$x <- c(0.92, 0.71, 0.48, 0.63, 0.31)
small <- data.frame(yi = c(0.2, 0.5, 0.1, 0.9, 0.4), vi = c(0.05, 0.08, 0.02, 0.1, 0.04), x = c(1, 2, 0.5, 3, 1.5))
tight <- list(threshold = 1e-10, maxiter = 1000)
calls <- list(
  bcg_ablat = "rma(yi, vi, mods = ~ ablat, data = escalc('RR', ... dat.bcg), method = 'REML', control = list(threshold = 1e-10))",
  bcg_ablat_year = "rma(yi, vi, mods = ~ ablat + year, data = ..., method = 'REML', control = list(threshold = 1e-10))",
  centres = "rma(yi, vi, mods = ~ x, data = centres, method = 'REML', control = list(threshold = 1e-10))",
  response = "rma(yi, vi, mods = ~ x, data = escalc('PLO', xi, ni), method = 'REML', control = list(threshold = 1e-10))",
  small = "rma(yi, vi, mods = ~ x, data = small, method = 'REML', control = list(threshold = 1e-10)) (tau2 at the boundary 0)",
  bcg_ablat_default = "rma(yi, vi, mods = ~ ablat, data = ...) with metafor's defaults (method = 'REML', threshold 1e-5)"
)
write_fixture("meta-regression-reml", list(
  provenance = provenance(calls, c("metafor"), paste(
    "REML by Fisher scoring from the Hedges start with step halving at 0 (rma.uni); the convergence threshold is",
    "tightened to 1e-10 so the estimate does not depend on where the iteration stops; bcg_ablat_default is metafor's",
    "default run (threshold 1e-5) for comparison at a looser tolerance. Wald-type z tests.")),
  data = list(
    bcg = list(yi = arr(bcg$yi), vi = arr(bcg$vi), ablat = arr(bcg$ablat), year = arr(bcg$year)),
    centres = list(yi = arr(centres$yi), vi = arr(centres$vi), x = arr(centres$x)),
    response = list(yi = arr(resp$yi), vi = arr(resp$vi), x = arr(resp$x)),
    small = list(yi = arr(small$yi), vi = arr(small$vi), x = arr(small$x))
  ),
  fits = list(
    bcg_ablat = mr(rma(yi, vi, mods = ~ ablat, data = bcg, method = "REML", control = tight)),
    bcg_ablat_year = mr(rma(yi, vi, mods = ~ ablat + year, data = bcg, method = "REML", control = tight)),
    centres = mr(rma(yi, vi, mods = ~ x, data = centres, method = "REML", control = tight)),
    response = mr(rma(yi, vi, mods = ~ x, data = resp, method = "REML", control = tight)),
    small = mr(rma(yi, vi, mods = ~ x, data = small, method = "REML", control = tight)),
    bcg_ablat_default = mr(rma(yi, vi, mods = ~ ablat, data = bcg))
  )
))

# ---------------------------------------------- doses-reached funnel --
# Cycles of six centres of very different sizes (doses given out of a cap of 14 or 15), drawn once and written out
# so the TypeScript test feeds exactly these rows. Limits: target ± z·SD/√n, within 0 and the largest cap.
set.seed(20261206)
sizes <- c(north = 3, east = 12, south = 40, west = 75, centre = 150, harbour = 400)
caps <- c(north = 15, east = 14, south = 15, west = 15, centre = 14, harbour = 15)
shift <- c(north = 0, east = -1, south = 1, west = 0, centre = -2, harbour = 0.5)
cyc <- do.call(rbind, lapply(names(sizes), function(c) {
  d <- pmin(caps[[c]], pmax(0, round(rnorm(sizes[[c]], mean = 9 + shift[[c]], sd = 3))))
  data.frame(centre_id = c, doses_given = d, planned_max_doses = caps[[c]])
}))
target <- mean(cyc$doses_given)
s <- sd(cyc$doses_given)
cap <- max(pmax(cyc$planned_max_doses, cyc$doses_given))
lim <- function(n, level) {
  z <- qnorm(1 - (1 - level) / 2)
  c(lower = max(0, target - z * s / sqrt(n)), upper = min(cap, target + z * s / sqrt(n)))
}
pos <- function(v, l) if (v < l[["lower"]]) "below" else if (v > l[["upper"]]) "above" else "within"
by <- split(cyc$doses_given, cyc$centre_id)
rows <- lapply(sort(names(by)), function(c) {
  x <- by[[c]]; n <- length(x); m <- mean(x); a <- lim(n, 0.95); b <- lim(n, 0.998)
  list(centre_id = c, n_cycles = n, mean_doses = m, lower95 = a[["lower"]], upper95 = a[["upper"]],
       lower998 = b[["lower"]], upper998 = b[["upper"]], position95 = pos(m, a), position998 = pos(m, b))
})
curve_n <- c(1, 2, 5, 10, 30, 100, 400)
write_fixture("doses-funnel", list(
  provenance = provenance(list(
    target = "mean(doses_given) over all cycles", sd = "sd(doses_given) over all cycles (n - 1)",
    limits = "pmax(0, target - qnorm(1 - (1 - level)/2) * sd / sqrt(n)), pmin(cap, target + ...) for level 0.95 and 0.998"
  ), character(), "Spiegelhalter (2005) normal limits for a mean; no over-dispersion allowance."),
  cycles = list(centre_id = arr(cyc$centre_id), doses_given = arr(cyc$doses_given), planned_max_doses = arr(cyc$planned_max_doses)),
  target = target, sd = s, cap = cap, rows = rows,
  curves = lapply(curve_n, function(n) list(n = n, lower95 = lim(n, 0.95)[["lower"]], upper95 = lim(n, 0.95)[["upper"]],
                                            lower998 = lim(n, 0.998)[["lower"]], upper998 = lim(n, 0.998)[["upper"]]))
))
