# Shared by the make-fixtures*.R scripts: where fixtures go, their provenance block and how they are written.
# A script sets `generator` (its own path) before sourcing this file:
#   generator <- "scripts/r/make-fixtures.R"; source(file.path("scripts", "r", "fixture-io.R"))

out_dir <- file.path("test", "fixtures", "r")
if (!dir.exists(out_dir)) dir.create(out_dir, recursive = TRUE)

pkg_versions <- function(pkgs) {
  setNames(lapply(pkgs, function(p) as.character(packageVersion(p))), pkgs)
}

provenance <- function(calls, packages = character(), notes = NULL) {
  p <- list(
    generator = generator,
    r_version = R.version.string,
    packages = pkg_versions(unique(c("jsonlite", packages))),
    date = format(Sys.time(), "%Y-%m-%dT%H:%M:%SZ", tz = "UTC"),
    calls = as.list(calls)
  )
  if (!is.null(notes)) p$notes <- notes
  p
}

write_fixture <- function(name, x) {
  path <- file.path(out_dir, paste0(name, ".json"))
  # digits = NA: 15 significant digits; non-finite values (NA, NaN, Inf) become null.
  writeLines(toJSON(x, digits = NA, auto_unbox = TRUE, na = "null", null = "null", pretty = TRUE), path)
  cat("wrote", path, "\n")
}

# Keep length-1 vectors as arrays in the JSON.
arr <- function(x) I(as.vector(x))
