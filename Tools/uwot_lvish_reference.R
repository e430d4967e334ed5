# uwot's lvish (the LargeVis of Tang et al. 2016 as the R package uwot computes it), the
# reference our `largevis` (Sources/Embedding/LargeVis.swift) follows: reads an n x d .npy
# matrix (float32 or float64, little-endian, C order, as `mbench datasets info --save` writes
# it), runs uwot::lvish with its own defaults except those given below, writes the n x 2
# embedding as a float32 .npy that `mbench evaluate --embedding` reads, and prints uwot's
# version, the arguments used and the fit time (lvish alone, not reading or writing files).
#
# Usage:
#   Rscript Tools/uwot_lvish_reference.R IN.npy OUT.npy SEED [N_THREADS [N_SGD_THREADS [N_EPOCHS]]]
#
# SEED feeds set.seed() (R's RNG draws lvish's random start and seeds its PCG streams);
# N_THREADS (default 2) is used for the Annoy neighbour search and the affinities;
# N_SGD_THREADS (default 0 = uwot's default, one reproducible SGD thread; above 1 uwot's
# SGD is faster but, by uwot's documentation, not reproducible); N_EPOCHS (default -1 =
# lvish's own choice, enough epochs to sample the edges 10^9 times below 10 000 points;
# give a small number for quick tests). perplexity = 50 and n_neighbors = 150 (3 x perplexity)
# are lvish's defaults, spelled out here. Needs R and uwot (Debian: r-base-core r-cran-uwot).

read_npy <- function(path) {
  con <- file(path, "rb")
  on.exit(close(con))
  magic <- readBin(con, "raw", 6)
  if (!identical(magic, as.raw(c(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59)))) stop(path, ": not an .npy file")
  version <- as.integer(readBin(con, "raw", 2))
  header_len <- if (version[1] == 1) {
    readBin(con, "integer", 1, size = 2, signed = FALSE, endian = "little")
  } else {
    readBin(con, "integer", 1, size = 4, endian = "little")
  }
  header <- rawToChar(readBin(con, "raw", header_len))
  descr <- sub(".*'descr': *'([^']*)'.*", "\\1", header)
  if (grepl("'fortran_order': *True", header)) stop(path, ": Fortran order is not supported")
  shape <- as.integer(strsplit(sub(".*'shape': *\\(([^)]*)\\).*", "\\1", header), ", *")[[1]])
  if (length(shape) != 2 || any(is.na(shape))) stop(path, ": expected a 2-D array, header ", header)
  size <- switch(descr, "<f4" = 4L, "<f8" = 8L, stop(path, ": unsupported dtype ", descr))
  values <- readBin(con, "double", shape[1] * shape[2], size = size, endian = "little")
  if (length(values) != shape[1] * shape[2]) stop(path, ": file is shorter than its header says")
  matrix(values, nrow = shape[1], ncol = shape[2], byrow = TRUE)
}

write_npy <- function(m, path) {
  header <- sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", nrow(m), ncol(m))
  # Pad with spaces so that magic (6) + version (2) + length (2) + header + "\n" is a multiple of 64.
  pad <- 64 - (10 + nchar(header) + 1) %% 64
  if (pad == 64) pad <- 0
  header <- paste0(header, strrep(" ", pad), "\n")
  con <- file(path, "wb")
  on.exit(close(con))
  writeBin(as.raw(c(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x01, 0x00)), con)
  writeBin(nchar(header), con, size = 2, endian = "little")
  writeBin(charToRaw(header), con)
  writeBin(as.vector(t(m)), con, size = 4, endian = "little")
}

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 3 || length(args) > 6) {
  stop("usage: Rscript uwot_lvish_reference.R IN.npy OUT.npy SEED [N_THREADS [N_SGD_THREADS [N_EPOCHS]]]")
}
int_arg <- function(i, default, lo) {
  if (length(args) < i) return(default)
  v <- suppressWarnings(as.integer(args[i]))
  if (is.na(v) || v < lo) stop("argument ", i, " must be an integer >= ", lo, ", got '", args[i], "'")
  v
}
seed <- int_arg(3, NA, 0)
n_threads <- int_arg(4, 2L, 1)
n_sgd_threads <- int_arg(5, 0L, 0)
n_epochs <- int_arg(6, -1L, -1)
if (n_epochs == 0) stop("N_EPOCHS must be -1 (lvish's default) or at least 1")

suppressPackageStartupMessages(library(uwot))
X <- read_npy(args[1])
perplexity <- 50
n_neighbors <- 3 * perplexity
cat(sprintf("uwot %s, R %s; %s: %d x %d\n", as.character(packageVersion("uwot")),
            getRversion(), args[1], nrow(X), ncol(X)))
cat(sprintf("lvish(perplexity = %g, n_neighbors = %d, n_epochs = %d, n_threads = %d, n_sgd_threads = %d), set.seed(%d); other arguments lvish's defaults\n",
            perplexity, n_neighbors, n_epochs, n_threads, n_sgd_threads, seed))
set.seed(seed)
start <- proc.time()[["elapsed"]]
Y <- lvish(X, perplexity = perplexity, n_neighbors = n_neighbors, n_epochs = n_epochs,
           n_threads = n_threads, n_sgd_threads = n_sgd_threads, verbose = TRUE)
seconds <- proc.time()[["elapsed"]] - start
if (!all(is.finite(Y))) stop("lvish returned non-finite coordinates")
write_npy(Y, args[2])
cat(sprintf("fit seconds: %.2f\n", seconds))
cat(sprintf("wrote %s (%d x %d)\n", args[2], nrow(Y), ncol(Y)))
