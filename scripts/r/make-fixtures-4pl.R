# Reference values for analytics/stats/four-parameter-logistic.ts: maximum-likelihood fit of the four-parameter
# logistic of a binomial rate, p(x) = low + (high - low) * plogis(b * (x - ed50)), b > 0, on counts per distinct
# value, and the ED50's 95% profile-likelihood interval. drc (whose L.4 with type = "binomial" is this model) is not
# packaged for Debian bookworm (apt-cache policy r-cran-drc: no candidate), so the same likelihood is maximised here
# with optim (BFGS from several starts, polished by Nelder-Mead) and the interval's ends found with uniroot on the
# profile (the ED50 fixed, the other three maximised). For a sharp step the likelihood's supremum is the two-rate
# split (b -> Inf): the fixture gives the best split's log-likelihood and the hull of the gaps whose split is within
# the chi-squared cut-off, by brute force.
# Run from the repository root:  Rscript scripts/r/make-fixtures-4pl.R
# Needs (Debian bookworm): r-base-core r-cran-jsonlite.
suppressPackageStartupMessages(library(jsonlite))
out_dir <- file.path("test", "fixtures", "r")

loglik <- function(th, x, n, e) {
  lo <- plogis(th[1]); hi <- plogis(th[2]); b <- exp(th[4])
  p <- pmin(1 - 1e-15, pmax(1e-15, lo + (hi - lo) * plogis(b * (x - th[3]))))
  sum(e * log(p) + (n - e) * log(1 - p))
}
best_fit <- function(starts, f) {
  fits <- lapply(starts, function(s) {
    a <- optim(s, function(t) -f(t), method = "BFGS", control = list(maxit = 5000, reltol = 1e-15))
    optim(a$par, function(t) -f(t), method = "Nelder-Mead", control = list(maxit = 20000, reltol = 1e-15))
  })
  fits[[which.min(sapply(fits, `[[`, "value"))]]
}
fit_4pl <- function(x, n, e, starts) {
  full <- best_fit(starts, function(t) loglik(t, x, n, e))
  th <- full$par; llmax <- -full$value
  cut <- llmax - qchisq(0.95, 1) / 2
  prof <- function(t0) {
    st <- list(th[c(1, 2, 4)], th[c(1, 2, 4)] + c(0, 0, 1), th[c(1, 2, 4)] - c(0, 0, 1))
    -best_fit(st, function(p) loglik(c(p[1], p[2], t0, p[3]), x, n, e))$value - cut
  }
  lower <- uniroot(prof, c(min(x), th[3]), tol = 1e-10)$root
  upper <- uniroot(prof, c(th[3], max(x)), tol = 1e-10)$root
  list(low = plogis(th[1]), high = plogis(th[2]), ed50 = th[3], slope = exp(th[4]), loglik = llmax, lower = lower, upper = upper)
}
step_hull <- function(x, n, e) {
  ll <- function(ev, k) if (ev == 0 || ev == k) 0 else ev * log(ev / k) + (k - ev) * log(1 - ev / k)
  m <- length(x)
  s <- sapply(1:(m - 1), function(k) ll(sum(e[1:k]), sum(n[1:k])) + ll(sum(e[(k + 1):m]), sum(n[(k + 1):m])))
  within <- which(s >= max(s) - qchisq(0.95, 1) / 2)
  k <- which.max(s)
  list(loglik = max(s), gap = c(x[k], x[k + 1]), lower = x[min(within)], upper = x[max(within) + 1])
}

# Deterministic counts (no RNG): expected counts rounded, with a fixed wobble so the data are not exactly on a curve.
wobble <- function(m) c(-2, 1, 0, 2, -1, 1, -1, 0)[(seq_len(m) - 1) %% 8 + 1]
mk <- function(x, n, p) list(x = x, n = rep(n, length(x)), e = pmin(n, pmax(0, round(n * p) + wobble(length(x)))))
cases <- list(
  gradual_up = mk(90:140, 60, 0.02 + 0.68 * plogis((90:140 - 120) / 1.5)),
  gradual_down = mk(seq(40, 300, by = 5), 40, 0.05 + 0.75 * (1 - plogis((seq(40, 300, by = 5) - 150) / 12))),
  step_up = mk(seq(1.0, 4.0, by = 0.1), 80, ifelse(seq(1.0, 4.0, by = 0.1) >= 2.5 - 1e-9, 0.8, 0))
)
starts <- function(cs) {
  x <- cs$x; r <- cs$e / cs$n; mid <- x[which.min(abs(r - (min(r) + max(r)) / 2))]
  lo <- qlogis(pmin(0.99, pmax(0.01, r[1]))); hi <- qlogis(pmin(0.99, pmax(0.01, r[length(r)])))
  sd <- sd(x)
  lapply(c(1, 4, 10), function(k) c(lo, hi, mid, log(k / sd)))
}
res <- list()
for (nm in c("gradual_up", "gradual_down")) {
  cs <- cases[[nm]]
  res[[nm]] <- c(list(x = I(cs$x), n = I(cs$n), e = I(cs$e)), fit_4pl(cs$x, cs$n, cs$e, starts(cs)))
}
cs <- cases$step_up
res$step_up <- c(list(x = I(cs$x), n = I(cs$n), e = I(cs$e)), step_hull(cs$x, cs$n, cs$e))

fixture <- c(list(provenance = list(
  generator = "scripts/r/make-fixtures-4pl.R",
  r_version = R.version.string,
  packages = list(jsonlite = as.character(packageVersion("jsonlite")), stats = as.character(packageVersion("stats"))),
  date = format(Sys.time(), "%Y-%m-%dT%H:%M:%SZ", tz = "UTC"),
  notes = paste("drc is not packaged for Debian bookworm; the 4PL binomial likelihood is maximised with optim (BFGS then",
                "Nelder-Mead, reltol 1e-15, best of three starts) and the 95% profile-likelihood ends found with uniroot",
                "(tol 1e-10). step_up: brute-force two-rate splits (the 4PL's b -> Inf limit)."))), res)
path <- file.path(out_dir, "four-pl.json")
writeLines(toJSON(fixture, digits = NA, auto_unbox = TRUE, pretty = TRUE), path)
cat("wrote", path, "\n")
