# Reference values for analytics/doses and analytics/response (the analyses, not only the methods):
# fixed datasets are generated here with a seeded RNG, written into the fixture together with what
# R computes from them, and the TypeScript tests feed the same rows to the kit. Run from the
# repository root (also sourced at the end of make-fixtures.R):
#   Rscript scripts/r/make-fixtures-doses-response.R

suppressPackageStartupMessages({
  library(survival)
  library(metafor)
  library(jsonlite)
  library(cmprsk)
})

out_dir <- file.path("test", "fixtures", "r")
if (!dir.exists(out_dir)) dir.create(out_dir, recursive = TRUE)
dr_provenance <- function(calls, packages = character()) {
  pk <- unique(c("jsonlite", packages))
  list(
    generator = "scripts/r/make-fixtures-doses-response.R",
    r_version = R.version.string,
    packages = setNames(lapply(pk, function(p) as.character(packageVersion(p))), pk),
    date = format(Sys.time(), "%Y-%m-%dT%H:%M:%SZ", tz = "UTC"),
    calls = as.list(calls)
  )
}
dr_write <- function(name, x) {
  path <- file.path(out_dir, paste0(name, ".json"))
  writeLines(toJSON(x, digits = NA, auto_unbox = TRUE, na = "null", null = "null", pretty = FALSE), path)
  cat("wrote", path, "\n")
}
dr_arr <- function(x) I(as.vector(x))

# ------------------------------------------------------------- describe ----
set.seed(20240607)
samples <- list(c(3, 1, 4, 1, 5, 9, 2, 6), c(7), c(10, 10, 12), round(rnorm(25, 9, 3)))
dr_write("describe", list(
  provenance = dr_provenance(c(q = "quantile(x, c(.25, .5, .75), type = 7)", mean = "mean(x)", sd = "sd(x)", ci = "t.test(x)$conf.int", qt = "qt(p, df)"), "stats"),
  samples = lapply(samples, function(x) list(
    x = dr_arr(x), mean = mean(x), sd = if (length(x) > 1) sd(x) else NA,
    q = dr_arr(quantile(x, c(0.25, 0.5, 0.75), type = 7, names = FALSE)),
    ci = if (length(x) > 1 && sd(x) > 0) dr_arr(t.test(x)$conf.int) else NA
  )),
  qt = list(p = dr_arr(c(0.975, 0.975, 0.995, 0.9)), df = dr_arr(c(1, 3, 10, 200)), q = dr_arr(qt(c(0.975, 0.975, 0.995, 0.9), c(1, 3, 10, 200))))
))

# ------------------------------------------------------------ doses ------
# Four centres, one cycle per row; A and B cap 14 (600k), C and D cap 15 (720k).
set.seed(7)
centres <- data.frame(centre = c("A", "B", "C", "D"), cap = c(14, 14, 15, 15), dose = c(600000, 600000, 720000, 720000), n = c(70, 45, 60, 30), lambda = c(0.08, 0.12, 0.06, 0.1))
rows <- do.call(rbind, lapply(seq_len(nrow(centres)), function(i) {
  ce <- centres[i, ]
  d <- pmin(ce$cap, rgeom(ce$n, ce$lambda) + 1)
  reason <- ifelse(d >= ce$cap, "max_reached", sample(c("toxicity_stop", "clinician", "patient", "window_closed", "other"), ce$n, TRUE, c(0.6, 0.15, 0.05, 0.15, 0.05)))
  data.frame(centre_id = ce$centre, patient_key = sprintf("%s%03d", ce$centre, seq_len(ce$n)), cap = ce$cap, dose = ce$dose, doses = d, end_reason = reason,
    disease = sample(c("rcc", "melanoma"), ce$n, TRUE), ecog = sample(c(0, 1, 2), ce$n, TRUE, c(0.5, 0.4, 0.1)), age = round(runif(ce$n, 30, 78)))
}))
rows$stopped <- as.integer(rows$doses < rows$cap)
rows$cause <- ifelse(rows$doses >= rows$cap, 2L, ifelse(rows$end_reason == "toxicity_stop", 1L, 3L))

km_centre <- lapply(centres$centre, function(cc) {
  sub <- rows[rows$centre_id == cc, ]
  cap <- sub$cap[1]
  fit <- survfit(Surv(doses, stopped) ~ 1, data = sub)
  s <- summary(fit, times = 0:(cap - 1), extend = TRUE)
  list(centre = cc, cap = cap, k = dr_arr(1:cap), surv = dr_arr(s$surv), se = dr_arr(s$std.err), lower = dr_arr(s$lower), upper = dr_arr(s$upper))
})
sd_all <- survdiff(Surv(doses, stopped) ~ centre_id, data = rows)
ci <- cuminc(rows$doses, rows$cause, group = rows$centre_id, cencode = 0)
ci_out <- lapply(centres$centre, function(cc) {
  cap <- centres$cap[centres$centre == cc]
  tp <- timepoints(ci[grep(paste0("^", cc, " "), names(ci))], times = 0:cap)
  list(centre = cc, d = dr_arr(0:cap), est = lapply(1:3, function(k) dr_arr(tp$est[k, ])), var = lapply(1:3, function(k) dr_arr(tp$var[k, ])))
})
# Indirect standardisation of reaching >= 10 doses, strata disease x ECOG x age band.
rows$reach <- as.integer(rows$doses >= 10)
rows$band <- cut(rows$age, c(-Inf, 50, 60, 70, Inf), right = FALSE, labels = c("<50", "50+", "60+", "70+"))
rows$stratum <- paste(rows$disease, rows$ecog, rows$band)
rates <- tapply(rows$reach, rows$stratum, mean)
rows$p <- rates[rows$stratum]
std <- aggregate(cbind(n = 1, observed = reach, expected = p, variance = p * (1 - p)) ~ centre_id, data = rows, FUN = sum)
std$ratio <- std$observed / std$expected
dr_write("doses", list(
  provenance = dr_provenance(c(km = "summary(survfit(Surv(doses, stopped) ~ 1), times = 0:(cap - 1))", logrank = "survdiff(Surv(doses, stopped) ~ centre_id)",
    cuminc = "timepoints(cuminc(doses, cause, group = centre_id), 0:cap)", standardisation = "stratum rates tapply(reach, stratum, mean); per centre sum(p), sum(p(1-p)), O/E"), c("survival", "cmprsk", "stats")),
  rows = rows[, c("centre_id", "patient_key", "cap", "dose", "doses", "end_reason", "disease", "ecog", "age")],
  km = km_centre,
  logrank = list(chisq = unname(sd_all$chisq), df = length(sd_all$n) - 1, p = pchisq(sd_all$chisq, length(sd_all$n) - 1, lower.tail = FALSE), observed = dr_arr(sd_all$obs), expected = dr_arr(sd_all$exp)),
  cuminc = ci_out,
  standardisation = list(centre = dr_arr(std$centre_id), n = dr_arr(std$n), observed = dr_arr(std$observed), expected = dr_arr(std$expected), variance = dr_arr(std$variance), ratio = dr_arr(std$ratio), overall = mean(rows$reach))
))

# ---------------------------------------------------------- response -----
# Four centres; responder depends on doses and vitiligo; adjusted for centre and disease. glm epsilon is
# tightened to 1e-14 so the fixture holds the converged MLE. The seed is
# the first from 11 on that gives responders and non-responders in every centre x disease cell (no
# separation, so glm's estimates are the maximum-likelihood ones the kit also reports).
nc <- c(A = 150, B = 120, C = 90, D = 140)
make_resp <- function() do.call(rbind, lapply(names(nc), function(cc) {
  n <- nc[[cc]]
  disease <- sample(c("rcc", "melanoma"), n, TRUE)
  doses <- rbinom(n, 28, 0.55)
  vit <- rbinom(n, 1, ifelse(disease == "melanoma", 0.15, 0.04))
  pe <- round(pmax(0, rnorm(n, 0.6, 0.5)), 2)
  lp <- -3 + 0.06 * doses + 1.3 * vit + 0.3 * (disease == "melanoma") + c(A = 0, B = 0.3, C = -0.2, D = 0.1)[[cc]] + 0.3 * pe
  data.frame(centre_id = cc, patient_key = sprintf("%s%03d", cc, seq_len(n)), disease = disease, doses = doses, vitiligo = vit, pe = pe, y = rbinom(n, 1, plogis(lp)))
}))
seed <- 11
repeat {
  set.seed(seed)
  resp <- make_resp()
  cells <- tapply(resp$y, list(resp$centre_id, resp$disease), function(v) sum(v) > 0 && sum(v) < length(v))
  if (all(cells)) break
  seed <- seed + 1
}
adj_fit <- function(var) {
  f <- glm(as.formula(paste("y ~", var, "+ factor(centre_id) + disease")), family = binomial, data = resp, control = glm.control(epsilon = 1e-14, maxit = 100))
  list(estimate = unname(coef(f)[var]), se = unname(sqrt(diag(vcov(f)))[var]))
}
per_centre <- function(var) {
  fits <- lapply(names(nc), function(cc) {
    f <- glm(as.formula(paste("y ~", var, "+ disease")), family = binomial, data = resp[resp$centre_id == cc, ], control = glm.control(epsilon = 1e-14, maxit = 100))
    c(unname(coef(f)[var]), unname(vcov(f)[var, var]))
  })
  yi <- sapply(fits, `[`, 1)
  vi <- sapply(fits, `[`, 2)
  m <- rma(yi, vi, method = "DL")
  list(yi = dr_arr(yi), vi = dr_arr(vi), estimate = unname(m$b[1]), se = m$se, tau2 = m$tau2, I2 = m$I2, QEp = m$QEp, weights = dr_arr(unname(weights(m))))
}
joint <- glm(y ~ doses + vitiligo + pe + factor(centre_id) + disease, family = binomial, data = resp, control = glm.control(epsilon = 1e-14, maxit = 100))
dr_write("response", list(
  provenance = dr_provenance(c(adjusted = "glm(y ~ signal + factor(centre_id) + disease, binomial)", per_centre = "glm(y ~ signal + disease, binomial) per centre; rma(yi, vi, method = 'DL')",
    joint = "glm(y ~ doses + vitiligo + pe + factor(centre_id) + disease, binomial)", seed = paste("set.seed(", seed, ")")), c("stats", "metafor")),
  rows = resp,
  adjusted = list(doses = adj_fit("doses"), vitiligo = adj_fit("vitiligo"), pe = adj_fit("pe")),
  pooled = list(doses = per_centre("doses"), vitiligo = per_centre("vitiligo"), pe = per_centre("pe")),
  joint = list(terms = dr_arr(c("doses", "vitiligo", "pe")), estimate = dr_arr(unname(coef(joint)[c("doses", "vitiligo", "pe")])), se = dr_arr(unname(sqrt(diag(vcov(joint)))[c("doses", "vitiligo", "pe")])))
))
