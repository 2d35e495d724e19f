# The panel statistician's recipe (docs/panel.md): pool the centres' signal odds ratios from their bundles' JSON with
# metafor, DerSimonian-Laird with the prediction interval, and with the Hartung-Knapp adjustment. Run from the
# repository root:
#   Rscript scripts/r/panel-metafor.R test/fixtures/panel/*.json > test/fixtures/r/panel-metafor.json
# Needs (Debian bookworm): r-base-core r-cran-metafor r-cran-jsonlite.
suppressPackageStartupMessages({ library(metafor); library(jsonlite) })

files <- commandArgs(trailingOnly = TRUE)
if (length(files) == 0) stop("give the bundle files")
est <- do.call(rbind, lapply(files, function(f) {
  b <- fromJSON(f, simplifyVector = TRUE)
  if (b$kind != "il2kit.panel-bundle" || b$schema_version != 4) stop(paste(f, ": not a version-4 il2kit bundle"))
  s <- b$signal_estimates
  if (length(s) == 0 || nrow(s) == 0) return(NULL)
  data.frame(centre = b$centre_id, signal = s$signal, yi = s$log_or, sei = s$std_err, stringsAsFactors = FALSE)
}))
est <- est[order(est$signal, est$centre), ]

pooled <- lapply(split(est, est$signal), function(d) {
  dl <- rma(yi = d$yi, sei = d$sei, method = "DL")
  pdl <- predict(dl)
  hk <- rma(yi = d$yi, sei = d$sei, method = "DL", test = "knha")
  phk <- predict(hk)
  list(
    signal = d$signal[1], k = dl$k, centres = d$centre,
    dl = list(estimate = as.numeric(dl$b), se = dl$se, ci_lb = dl$ci.lb, ci_ub = dl$ci.ub, tau2 = dl$tau2, I2 = dl$I2, QEp = dl$QEp, pi_lb = pdl$pi.lb, pi_ub = pdl$pi.ub),
    knha = list(estimate = as.numeric(hk$b), se = hk$se, ci_lb = hk$ci.lb, ci_ub = hk$ci.ub, pval = hk$pval, pi_lb = phk$pi.lb, pi_ub = phk$pi.ub)
  )
})
cat(toJSON(list(
  provenance = list(generator = "scripts/r/panel-metafor.R", r_version = R.version.string, metafor = as.character(packageVersion("metafor")),
                    jsonlite = as.character(packageVersion("jsonlite")), inputs = basename(files),
                    calls = c('rma(yi, sei = sei, method = "DL"); predict()', 'rma(yi, sei = sei, method = "DL", test = "knha"); predict()')),
  pooled = unname(pooled)
), auto_unbox = TRUE, digits = NA, pretty = TRUE))
cat("\n")
