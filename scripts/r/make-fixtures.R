# Reference values for analytics/stats, computed in R and written as JSON
# fixtures under test/fixtures/r/. Run from the repository root:
#   Rscript scripts/r/make-fixtures.R
# Needs (Debian bookworm): r-base-core r-cran-survival r-cran-metafor
# r-cran-jsonlite r-cran-cmprsk. logistf is not packaged in Debian, so Firth's
# penalised logistic regression is written out by hand below (firth_fit).

suppressPackageStartupMessages({
  library(survival)
  library(metafor)
  library(jsonlite)
  library(cmprsk)
})

generator <- "scripts/r/make-fixtures.R"
source(file.path("scripts", "r", "fixture-io.R"))

# ---------------------------------------------------------------- datasets --

aml_df <- survival::aml
lung_df <- survival::lung
mgus <- survival::mgus2
# Competing risks as in the survival package vignette "compete":
# progression to plasma-cell malignancy (pcm) before death, death otherwise.
mgus$etime <- with(mgus, ifelse(pstat == 0, futime, ptime))
mgus$event <- with(mgus, ifelse(pstat == 0, 2 * death, 1))
mgus$eventf <- factor(mgus$event, 0:2, labels = c("censor", "pcm", "death"))

infert_df <- datasets::infert

# Small logistic examples written here.
sep_df <- data.frame( # complete separation: y = 1 exactly when x > 5.5
  x = c(1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
  z = c(0, 1, 0, 1, 1, 0, 1, 0, 1, 1),
  y = c(0, 0, 0, 0, 0, 1, 1, 1, 1, 1)
)
quasi_df <- data.frame( # quasi-complete separation: every x = 1 has y = 1; x = 0 mixed
  x = c(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1),
  age = c(34, 51, 47, 62, 29, 58, 44, 39, 55, 61, 48, 36),
  y = c(0, 1, 0, 0, 1, 0, 1, 0, 1, 1, 1, 1)
)
small_df <- data.frame( # small, not separated; for Firth against plain ML
  dose = c(0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4),
  male = c(1, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1),
  y = c(0, 0, 1, 0, 0, 1, 0, 1, 0, 1, 1, 0, 1, 1, 1)
)

bcg <- metadat::dat.bcg

datasets <- list(
  aml = list(
    source = "survival::aml (acute myelogenous leukaemia, Miller 1981)",
    columns = list(time = aml_df$time, status = aml_df$status, x = as.character(aml_df$x))
  ),
  lung = list(
    source = "survival::lung (NCCTG advanced lung cancer); status 1 = censored, 2 = dead",
    columns = list(time = lung_df$time, status = lung_df$status, sex = lung_df$sex, ph.ecog = lung_df$ph.ecog)
  ),
  "mgus2-competing" = list(
    source = paste(
      "survival::mgus2 with etime = ifelse(pstat == 0, futime, ptime),",
      "event = ifelse(pstat == 0, 2 * death, 1) (0 censored, 1 pcm, 2 death), as in the survival 'compete' vignette"
    ),
    columns = list(
      id = mgus$id, etime = mgus$etime, event = mgus$event, sex = as.character(mgus$sex),
      futime = mgus$futime, death = mgus$death
    )
  ),
  infert = list(
    source = "datasets::infert (Trichopoulos et al. 1976 case-control study)",
    columns = list(
      case = infert_df$case, age = infert_df$age, parity = infert_df$parity,
      induced = infert_df$induced, spontaneous = infert_df$spontaneous
    )
  ),
  "logistic-small" = list(
    source = "written inline in scripts/r/make-fixtures.R",
    separated = as.list(sep_df), quasi = as.list(quasi_df), small = as.list(small_df)
  ),
  "dat-bcg" = list(
    source = "metadat::dat.bcg, loaded with metafor (BCG vaccine trials, Colditz et al. 1994)",
    columns = list(
      trial = bcg$trial, author = bcg$author, year = bcg$year,
      tpos = bcg$tpos, tneg = bcg$tneg, cpos = bcg$cpos, cneg = bcg$cneg, ablat = bcg$ablat
    )
  )
)
for (nm in names(datasets)) {
  d <- datasets[[nm]]
  d$provenance <- provenance(calls = d$source, packages = c("survival", "metafor", "metadat"))
  write_fixture(paste0("data-", nm), d)
}

# ---------------------------------------------------------------- binomial --

binom_cases <- list(c(0, 1), c(1, 1), c(0, 10), c(10, 10), c(1, 10), c(3, 11), c(7, 23),
                    c(50, 100), c(2, 250), c(997, 1000), c(123, 4567))
binom_out <- lapply(binom_cases, function(xn) {
  x <- xn[1]; n <- xn[2]
  res <- list(x = x, n = n)
  for (conf in c(0.95, 0.998)) {
    ex <- binom.test(x, n, conf.level = conf)$conf.int
    wi <- suppressWarnings(prop.test(x, n, conf.level = conf, correct = FALSE))$conf.int
    # Wilson by formula as a cross-check of prop.test.
    z <- qnorm(1 - (1 - conf) / 2); p <- x / n
    centre <- (p + z^2 / (2 * n)) / (1 + z^2 / n)
    half <- z * sqrt(p * (1 - p) / n + z^2 / (4 * n^2)) / (1 + z^2 / n)
    key <- if (conf == 0.95) "conf95" else "conf998"
    res[[key]] <- list(
      exact = list(lower = ex[1], upper = ex[2]),
      wilson = list(lower = wi[1], upper = wi[2]),
      wilsonFormula = list(lower = max(0, centre - half), upper = min(1, centre + half))
    )
  }
  res
})
write_fixture("binomial", list(
  provenance = provenance(c(
    "binom.test(x, n, conf.level = conf)$conf.int",
    "prop.test(x, n, conf.level = conf, correct = FALSE)$conf.int",
    "Wilson by formula: (p + z^2/2n)/(1 + z^2/n) +/- z*sqrt(p(1-p)/n + z^2/4n^2)/(1 + z^2/n)"
  ), "stats"),
  cases = binom_out
))

# ---------------------------------------------------------- Kaplan-Meier ----

km_list <- function(fit) {
  # One entry per stratum (or a single one), at every distinct time, as survfit stores it.
  s <- if (is.null(fit$strata)) c(all = length(fit$time)) else fit$strata
  ends <- cumsum(s); starts <- ends - s + 1
  lapply(seq_along(s), function(i) {
    idx <- starts[i]:ends[i]
    list(
      stratum = names(s)[i],
      time = arr(fit$time[idx]), nRisk = arr(fit$n.risk[idx]), nEvent = arr(fit$n.event[idx]),
      nCensor = arr(fit$n.censor[idx]), surv = arr(fit$surv[idx]),
      stdErrLog = arr(fit$std.err[idx]), # survfit's std.err: SE of -log S (Greenwood)
      stdErr = arr(fit$surv[idx] * fit$std.err[idx]), # SE of S, as summary.survfit prints
      lower = arr(fit$lower[idx]), upper = arr(fit$upper[idx])
    )
  })
}
km_calls <- c(
  aml_all = "survfit(Surv(time, status) ~ 1, data = aml)",
  aml_x = "survfit(Surv(time, status) ~ x, data = aml)",
  lung_all = "survfit(Surv(time, status) ~ 1, data = lung)",
  lung_sex = "survfit(Surv(time, status) ~ sex, data = lung)"
)
km_out <- lapply(km_calls, function(cl) km_list(eval(parse(text = cl))))
write_fixture("kaplan-meier", list(
  provenance = provenance(km_calls, "survival",
    notes = "conf.type = 'log' (survfit default), conf.int = 0.95; non-finite values written as null"),
  fits = km_out
))

# -------------------------------------------------------------- log-rank ----

lr_calls <- c(
  aml_x = "survdiff(Surv(time, status) ~ x, data = aml)",
  lung_sex = "survdiff(Surv(time, status) ~ sex, data = lung)",
  lung_ecog = "survdiff(Surv(time, status) ~ ph.ecog, data = lung)",
  mgus2_sex_death = "survdiff(Surv(futime, death) ~ sex, data = mgus2)"
)
lr_out <- lapply(lr_calls, function(cl) {
  f <- eval(parse(text = cl))
  df <- sum(f$exp > 0) - 1
  list(
    groups = arr(sub("^[^=]*=", "", names(f$n))), n = arr(unname(as.vector(f$n))),
    observed = arr(f$obs), expected = arr(f$exp), variance = unname(f$var),
    chisq = f$chisq, df = df, pvalue = pchisq(f$chisq, df, lower.tail = FALSE)
  )
})
write_fixture("logrank", list(
  provenance = provenance(lr_calls, "survival",
    notes = "lung_ecog drops the one subject with ph.ecog missing (survdiff's na.action); ph.ecog = 3 is a group of one"),
  tests = lr_out
))

# ------------------------------------------------------ competing risks -----

cif_times <- sort(unique(mgus$etime))
ms <- survfit(Surv(etime, eventf) ~ 1, data = mgus)
ms_sex <- survfit(Surv(etime, eventf) ~ sex, data = mgus)
ci <- cuminc(mgus$etime, mgus$event, cencode = 0)
ci_sex <- cuminc(mgus$etime, mgus$event, group = mgus$sex, cencode = 0)
tp <- timepoints(ci, cif_times)
states <- ms$states # "(s0)", "pcm", "death"
ms_out <- function(fit, stratum = NULL) {
  if (is.null(stratum)) idx <- seq_along(fit$time) else {
    s <- fit$strata; ends <- cumsum(s); starts <- ends - s + 1
    k <- which(names(s) == stratum); idx <- starts[k]:ends[k]
  }
  list(
    time = arr(fit$time[idx]), nRisk = arr(fit$n.risk[idx, 1]),
    pcm = arr(fit$pstate[idx, which(states == "pcm")]),
    death = arr(fit$pstate[idx, which(states == "death")]),
    stdErrPcm = arr(fit$std.err[idx, which(states == "pcm")]),
    stdErrDeath = arr(fit$std.err[idx, which(states == "death")])
  )
}
sex_levels <- levels(mgus$sex)
cuminc_tidy <- function(tps) {
  list(
    pcm = list(est = arr(tps$est[1, ]), var = arr(tps$var[1, ])),
    death = list(est = arr(tps$est[2, ]), var = arr(tps$var[2, ]))
  )
}
write_fixture("competing-risks", list(
  provenance = provenance(c(
    survfit = "survfit(Surv(etime, factor(event, 0:2, labels = c('censor','pcm','death'))) ~ 1, data = mgus2)",
    survfit_sex = "survfit(Surv(etime, eventf) ~ sex, data = mgus2)",
    cuminc = "cmprsk::timepoints(cuminc(etime, event, cencode = 0), times = sort(unique(etime)))",
    cuminc_sex = "cmprsk::timepoints(cuminc(etime, event, group = sex, cencode = 0), times)"
  ), c("survival", "cmprsk"),
    notes = paste(
      "survfit std.err is the infinitesimal-jackknife SE; cuminc var is Gray's (1988) delta-method variance.",
      "cuminc values are given at every distinct etime; null where cuminc has no estimate (after last event)."
    )),
  times = arr(cif_times),
  survfit = ms_out(ms),
  survfitBySex = setNames(lapply(sex_levels, function(s) ms_out(ms_sex, paste0("sex=", s))), sex_levels),
  cuminc = cuminc_tidy(tp),
  cumincBySex = setNames(lapply(sex_levels, function(s) {
    tps <- timepoints(ci_sex[paste(s, 1:2)], cif_times)
    cuminc_tidy(tps)
  }), sex_levels)
))

# ------------------------------------------------------ logistic (glm) ------

glm_out <- function(fit) {
  s <- summary(fit)$coefficients
  ci <- confint.default(fit)
  list(
    terms = arr(rownames(s)), estimate = arr(s[, 1]), se = arr(s[, 2]), z = arr(s[, 3]), p = arr(s[, 4]),
    lower = arr(ci[, 1]), upper = arr(ci[, 2]),
    deviance = fit$deviance, nullDeviance = fit$null.deviance, logLik = as.numeric(logLik(fit)),
    aic = fit$aic, iterations = fit$iter, converged = fit$converged
  )
}
# epsilon tightened from glm's 1e-8 so the fixture holds the converged MLE to ~1e-12.
glm_calls <- c(
  infert = "glm(case ~ age + parity + induced + spontaneous, family = binomial, data = infert, control = glm.control(epsilon = 1e-14, maxit = 100))",
  small = "glm(y ~ dose + male, family = binomial, data = small_df, control = glm.control(epsilon = 1e-14, maxit = 100))"
)
glm_res <- lapply(glm_calls, function(cl) glm_out(eval(parse(text = cl))))
# What glm does on separated data, for the record (it warns; estimates are not MLEs).
sep_warn <- character()
sep_glm <- withCallingHandlers(glm(y ~ x, family = binomial, data = sep_df),
  warning = function(w) { sep_warn <<- c(sep_warn, conditionMessage(w)); invokeRestart("muffleWarning") })
write_fixture("logistic", list(
  provenance = provenance(c(glm_calls, ci = "confint.default(fit) (Wald intervals)",
                            separated = "glm(y ~ x, family = binomial, data = separated)"), "stats"),
  fits = glm_res,
  separatedGlm = list(
    warnings = arr(sep_warn), converged = sep_glm$converged,
    estimate = arr(coef(sep_glm)), iterations = sep_glm$iter
  )
))

# ------------------------------------------------------ Firth (by hand) -----
# Firth (1993) / Heinze & Schemper (2002) penalised likelihood
#   l*(b) = l(b) + 0.5 * log det(X' W X),  W = diag(p (1 - p)),
# maximised by Newton steps on the modified score U*(b) = X'(y - p + h (0.5 - p)),
# h the diagonal of the hat matrix W^1/2 X (X'WX)^-1 X' W^1/2; steps capped at 5 and
# halved until l* does not decrease (as logistf does). Variance: (X'WX)^-1 at the
# estimate. Profile penalised-likelihood intervals and penalised likelihood-ratio
# p-values keep the penalty of the full model while one coefficient is held fixed
# (logistf's convention).

pen_loglik <- function(X, y, b) {
  eta <- drop(X %*% b)
  ll <- sum(ifelse(y == 1, plogis(eta, log.p = TRUE), plogis(-eta, log.p = TRUE)))
  w <- plogis(eta) * plogis(-eta)
  ll + 0.5 * as.numeric(determinant(crossprod(X, X * w), logarithm = TRUE)$modulus)
}

firth_fit <- function(X, y, free = seq_len(ncol(X)), start = rep(0, ncol(X)), tol = 1e-12, maxit = 200) {
  b <- start
  if (length(free) == 0) return(list(coef = b, pl = pen_loglik(X, y, b), iter = 0))
  for (it in seq_len(maxit)) {
    eta <- drop(X %*% b); p <- plogis(eta); w <- p * (1 - p)
    info <- crossprod(X, X * w)
    inv <- solve(info)
    h <- rowSums((X %*% inv) * X) * w
    U <- drop(crossprod(X, y - p + h * (0.5 - p)))
    delta <- rep(0, ncol(X))
    delta[free] <- solve(info[free, free, drop = FALSE], U[free])
    mx <- max(abs(delta)); if (mx > 5) delta <- delta * 5 / mx
    l0 <- pen_loglik(X, y, b); step <- 1
    repeat {
      nb <- b + step * delta
      if (pen_loglik(X, y, nb) >= l0 - 1e-13 || step < 1e-8) break
      step <- step / 2
    }
    b <- nb
    if (max(abs(delta)) < tol && max(abs(U[free])) < tol) break
  }
  eta <- drop(X %*% b); w <- plogis(eta) * plogis(-eta)
  list(coef = b, var = solve(crossprod(X, X * w)), pl = pen_loglik(X, y, b), iter = it)
}

firth_full <- function(X, y) {
  fit <- firth_fit(X, y)
  se <- sqrt(diag(fit$var)); z <- qnorm(0.975)
  k <- ncol(X); crit <- qchisq(0.95, 1)
  prof <- function(j, v) {
    st <- fit$coef; st[j] <- v
    firth_fit(X, y, free = setdiff(seq_len(k), j), start = st)$pl
  }
  plr_p <- sapply(seq_len(k), function(j) {
    stat <- 2 * (fit$pl - prof(j, 0)); pchisq(max(stat, 0), 1, lower.tail = FALSE)
  })
  profile_ci <- t(sapply(seq_len(k), function(j) {
    g <- function(v) 2 * (fit$pl - prof(j, v)) - crit
    b <- fit$coef[j]; s <- se[j]
    lo_end <- b - s; while (g(lo_end) < 0) { lo_end <- lo_end - s; stopifnot(lo_end > b - 100 * s) }
    hi_end <- b + s; while (g(hi_end) < 0) { hi_end <- hi_end + s; stopifnot(hi_end < b + 100 * s) }
    c(uniroot(g, c(lo_end, b), tol = 1e-12)$root, uniroot(g, c(b, hi_end), tol = 1e-12)$root)
  }))
  list(
    terms = arr(colnames(X)), estimate = arr(fit$coef), se = arr(se), z = arr(fit$coef / se),
    waldP = arr(2 * pnorm(-abs(fit$coef / se))),
    waldLower = arr(fit$coef - z * se), waldUpper = arr(fit$coef + z * se),
    profileLower = arr(profile_ci[, 1]), profileUpper = arr(profile_ci[, 2]),
    plrP = arr(plr_p), penalizedLogLik = fit$pl, iterations = fit$iter
  )
}
firth_calls <- c(
  separated = "model.matrix(~ x, separated)",
  separated2 = "model.matrix(~ x + z, separated)",
  quasi = "model.matrix(~ x + age, quasi)",
  small = "model.matrix(~ dose + male, small)",
  infert = "model.matrix(~ age + parity + induced + spontaneous, infert)",
  allEvents = "intercept only, y = rep(1, 8)"
)
firth_res <- list(
  separated = firth_full(model.matrix(~ x, sep_df), sep_df$y),
  separated2 = firth_full(model.matrix(~ x + z, sep_df), sep_df$y),
  quasi = firth_full(model.matrix(~ x + age, quasi_df), quasi_df$y),
  small = firth_full(model.matrix(~ dose + male, small_df), small_df$y),
  infert = firth_full(model.matrix(~ age + parity + induced + spontaneous, infert_df), infert_df$case),
  allEvents = firth_full(matrix(1, 8, 1, dimnames = list(NULL, "(Intercept)")), rep(1, 8))
)
# Sanity check of the hand-written Firth: with one binary covariate the model is
# saturated and Firth's estimate equals the log odds ratio with 0.5 added to each cell.
tab_y <- c(1, 1, 1, 0, 0, 0, 0, 0); tab_x <- c(1, 1, 1, 1, 0, 0, 0, 0)
f22 <- firth_fit(cbind(1, tab_x), tab_y)$coef
stopifnot(abs(f22[2] - log(((3 + .5) * (4 + .5)) / ((1 + .5) * (0 + .5)))) < 1e-9)
write_fixture("firth", list(
  provenance = provenance(firth_calls, "stats", notes = paste(
    "logistf is not packaged for Debian bookworm (apt-cache policy r-cran-logistf: no candidate),",
    "so Firth's method is implemented by hand in this script (firth_fit): modified-score Newton",
    "iterations with step halving, convergence |step| and |U*| < 1e-12; SE from (X'WX)^-1;",
    "profile penalised-likelihood 95% CIs and penalised LR p-values with the full-model penalty",
    "(logistf's convention), roots by uniroot(tol = 1e-12). Checked against the closed form for a",
    "2x2 table (log OR with 0.5 added to each cell)."
  )),
  fits = firth_res
))

# ------------------------------------------------ DerSimonian-Laird ---------

bcg_es <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = bcg)
dl_out <- function(fit) {
  list(
    estimate = as.numeric(fit$b), se = fit$se, lower = fit$ci.lb, upper = fit$ci.ub,
    z = fit$zval, p = fit$pval, tau2 = fit$tau2, seTau2 = fit$se.tau2, Q = fit$QE, df = fit$k - fit$p,
    pQ = fit$QEp, I2 = fit$I2, H2 = fit$H2, k = fit$k, weights = arr(weights(fit))
  )
}
dl_calls <- c(
  bcg = "rma(yi, vi, data = escalc(measure = 'RR', ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg), method = 'DL')",
  bcg_first3 = "rma(yi, vi, data = es[1:3, ], method = 'DL')",
  homogeneous = "rma(yi = c(0.1, 0.12, 0.09, 0.11), vi = c(0.04, 0.05, 0.03, 0.06), method = 'DL')",
  single = "rma(yi = 0.3, vi = 0.04, method = 'DL')",
  zeroCell = "rma(measure = 'RR', ai = c(0, 4, 2), n1i = c(20, 25, 30), ci = c(3, 6, 0), n2i = c(20, 26, 28), method = 'DL')"
)
dl_res <- lapply(dl_calls, function(cl) {
  es <- bcg_es
  dl_out(suppressWarnings(eval(parse(text = cl))))
})
bcg_or <- escalc(measure = "OR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = bcg)
zc <- escalc(measure = "RR", ai = c(0, 4, 2), n1i = c(20, 25, 30), ci = c(3, 6, 0), n2i = c(20, 26, 28))
write_fixture("meta-dl", list(
  provenance = provenance(c(dl_calls, weights = "weights(fit) (percent)",
  escalcOR = "escalc(measure = 'OR', ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)",
  escalcZeroCell = "escalc(measure = 'RR', ai = c(0, 4, 2), n1i = c(20, 25, 30), ci = c(3, 6, 0), n2i = c(20, 26, 28))"), c("metafor", "metadat"),
    notes = "I2 and H2 as metafor reports them: I2 in percent"),
  escalcBcg = list(yi = arr(bcg_es$yi), vi = arr(bcg_es$vi)),
  escalcZeroCell = list(yi = arr(zc$yi), vi = arr(zc$vi)),
  escalcBcgOR = list(yi = arr(bcg_or$yi), vi = arr(bcg_or$vi)),
  fits = dl_res
))

# ---------------------------------------------------- Spiegelhalter funnel --
# No funnel-plot package is in Debian; these are the formulas of Spiegelhalter (2005,
# Stat Med 24:1185, appendix A.1.1) evaluated with R's own qbinom/pbinom, as an
# independent check of the TypeScript arithmetic.

funnel_limit <- function(p0, n, prob) {
  rp <- qbinom(prob, n, p0)
  Fr <- pbinom(rp, n, p0); Fm <- pbinom(rp - 1, n, p0)
  alpha <- (Fr - prob) / (Fr - Fm)
  pmin(pmax((rp - alpha) / n, 0), 1)
}
funnel_grid <- c(1, 2, 5, 10, 20, 37, 50, 100, 250, 1000, 5000)
funnel_targets <- c(0.02, 0.15, 0.5, 0.93)
funnel_lim <- lapply(funnel_targets, function(p0) {
  list(
    target = p0, n = arr(funnel_grid),
    lower95 = arr(funnel_limit(p0, funnel_grid, 0.025)), upper95 = arr(funnel_limit(p0, funnel_grid, 0.975)),
    lower998 = arr(funnel_limit(p0, funnel_grid, 0.001)), upper998 = arr(funnel_limit(p0, funnel_grid, 0.999))
  )
})
# Overdispersion (Spiegelhalter 2005, section on over-dispersion): z-scores against the target,
# winsorised at the 10th and 90th percentiles (R's default quantile, type 7),
# phi = mean(z_w^2); limits p0 +/- z_p sqrt(phi p0 (1 - p0) / n) when phi > 1.
centres <- list(
  events = c(0, 3, 12, 7, 30, 2, 18, 9, 44, 5, 0, 21),
  n = c(14, 40, 80, 35, 160, 25, 90, 60, 200, 30, 8, 75)
)
p0 <- sum(centres$events) / sum(centres$n)
y <- centres$events / centres$n
z <- (y - p0) / sqrt(p0 * (1 - p0) / centres$n)
q <- quantile(z, c(0.1, 0.9), type = 7)
zw <- pmin(pmax(z, q[1]), q[2])
phi <- mean(zw^2)
od_lim <- function(prob) pmin(pmax(p0 + qnorm(prob) * sqrt(phi * p0 * (1 - p0) / centres$n), 0), 1)
write_fixture("funnel", list(
  provenance = provenance(c(
    limits = "rp <- qbinom(prob, n, p0); a <- (pbinom(rp, n, p0) - prob) / (pbinom(rp, n, p0) - pbinom(rp - 1, n, p0)); pmin(pmax((rp - a) / n, 0), 1)",
    phi = "z <- (y - p0) / sqrt(p0 * (1 - p0) / n); q <- quantile(z, c(0.1, 0.9)); mean(pmin(pmax(z, q[1]), q[2])^2)"
  ), "stats", notes = "Formulas evaluated in R (no funnel package in Debian); not an independent package implementation."),
  limits = funnel_lim,
  overdispersion = list(
    events = arr(centres$events), n = arr(centres$n), target = p0, z = arr(z),
    winsorisedZ = arr(zw), phi = phi,
    lower95 = arr(od_lim(0.025)), upper95 = arr(od_lim(0.975)),
    lower998 = arr(od_lim(0.001)), upper998 = arr(od_lim(0.999))
  )
))

# ------------------------------------------------------- distributions ------

chi_cases <- expand.grid(x = c(0.5, 3.84, 10, 30, 60, 120), df = c(1, 2, 3, 4, 7, 12))
write_fixture("distributions", list(
  provenance = provenance(c(
    chisq = "pchisq(x, df, lower.tail = FALSE)", norm = "2 * pnorm(-abs(z))", qnorm = "qnorm(p)"
  ), "stats"),
  chisq = list(x = arr(chi_cases$x), df = arr(chi_cases$df), upper = arr(pchisq(chi_cases$x, chi_cases$df, lower.tail = FALSE))),
  normal = list(z = arr(c(0, 0.5, 1.96, 3, 5, 8, 12)), twoSided = arr(2 * pnorm(-abs(c(0, 0.5, 1.96, 3, 5, 8, 12))))),
  qnorm = list(p = arr(c(0.5, 0.9, 0.975, 0.995, 0.999, 0.9995)), q = arr(qnorm(c(0.5, 0.9, 0.975, 0.995, 0.999, 0.9995))))
))

# Fixtures for analytics/doses and analytics/response (the analyses on fixed datasets).
source(file.path("scripts", "r", "make-fixtures-doses-response.R"))
source(file.path("scripts", "r", "make-fixtures-response-eligible.R"))
