# Reference values for the response rate of all treated (analytics/response/eligible-rates.ts): a seeded set of
# patient courses (three centres, two diseases) with CR, PR, SD, PD, NE or no assessment; per centre (and ALL) and
# disease (and all), the courses given, responders (CR + PR), not evaluable (NE or none), the rate and its exact and
# Wilson intervals as R computes them. Run from the repository root:
#   Rscript scripts/r/make-fixtures-response-eligible.R
suppressPackageStartupMessages(library(jsonlite))
generator <- "scripts/r/make-fixtures-response-eligible.R"
source(file.path("scripts", "r", "fixture-io.R"))

set.seed(20261207)
centres <- c(A = 60, B = 25, C = 9)
rows <- do.call(rbind, lapply(names(centres), function(cc) {
  n <- centres[[cc]]
  disease <- ifelse(runif(n) < 0.6, "rcc", "melanoma")
  # "none" = no assessment of the course; a small centre gets no responder at all in melanoma.
  p <- if (cc == "C") c(0.05, 0.1, 0.3, 0.35, 0.1, 0.1) else c(0.07, 0.12, 0.3, 0.36, 0.07, 0.08)
  response <- sample(c("CR", "PR", "SD", "PD", "NE", "none"), n, replace = TRUE, prob = p)
  if (cc == "C") response[disease == "melanoma"] <- "PD"
  data.frame(centre_id = cc, patient_key = sprintf("%s%03d", cc, seq_len(n)), disease = disease, response = response, stringsAsFactors = FALSE)
}))

rate_row <- function(centre, disease, d) {
  n <- nrow(d)
  x <- sum(d$response %in% c("CR", "PR"))
  ex <- binom.test(x, n, conf.level = 0.95)$conf.int
  w <- prop.test(x, n, conf.level = 0.95, correct = FALSE)$conf.int
  list(
    centre_id = centre, disease = disease, n_eligible = n, responders = x, complete = sum(d$response == "CR"),
    not_evaluable = sum(d$response %in% c("NE", "none")), not_assessed = sum(d$response == "none"),
    rate = x / n, exact_lower = ex[1], exact_upper = ex[2], wilson_lower = w[1], wilson_upper = w[2]
  )
}
blocks <- c(lapply(names(centres), function(cc) list(id = cc, d = rows[rows$centre_id == cc, ])), list(list(id = "ALL", d = rows)))
rates <- do.call(c, lapply(blocks, function(b) {
  c(list(rate_row(b$id, "all", b$d)), lapply(sort(unique(b$d$disease)), function(dz) rate_row(b$id, dz, b$d[b$d$disease == dz, ])))
}))

write_fixture("response-eligible", list(
  provenance = provenance(c(
    exact = "binom.test(x, n, conf.level = 0.95)$conf.int", wilson = "prop.test(x, n, conf.level = 0.95, correct = FALSE)$conf.int",
    denominator = "every course given (CR, PR, SD, PD, NE or no assessment); responders CR + PR"
  ), "stats"),
  rows = rows,
  rates = rates
))
