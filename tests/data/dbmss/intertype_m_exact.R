# Intertype (bivariate) M of dbmss 2.9-2 on the shared registers: the references of
# tests/mapping/test_m_reference.py (intertype_m_exact.csv).
#
# How it was produced (7 December 2026): R 4 and spatstat from Debian, dbmss 2.9-2 rebuilt from its public
# repository (EricMarcon/dbmss) with the files Mhat calls (Mhat, wmppp, C++ parallelCountNbd), run from
# the repository root:
#   Rscript tests/data/dbmss/intertype_m_exact.R
# Mhat with ReferenceType != NeighborType and CaseControl = FALSE (defaults otherwise): around each
# reference point, the weight of the neighbour type within r over the weight of all other points within
# r, divided by the neighbour type's share of all other points' weight.
# - IREP (src/triplec/registry/data/irep_france_facilities_etablissements.csv): mainland rows (Lambert II
#   etendu box as tests/mapping/conftest.py), coordinates / 1000 = km, unweighted, r = 0, 5, ..., 300 km.
# - Synthetic register (tests/data/dbmss/synthetic_points.csv): PointWeight = employees,
#   r = 0, 2.5, ..., 150 km.
suppressMessages(library(dbmss))

irep <- read.csv("src/triplec/registry/data/irep_france_facilities_etablissements.csv",
                 colClasses = "character")
x <- suppressWarnings(as.numeric(irep$Coordonnees_X))
y <- suppressWarnings(as.numeric(irep$Coordonnees_Y))
mainland <- !is.na(x) & !is.na(y) & x > 0 & x < 1.3e6 & y > 1.6e6 & y < 2.8e6
df <- data.frame(X = x[mainland] / 1000, Y = y[mainland] / 1000, PointType = irep$Code_APE[mainland],
                 PointWeight = 1)
irep_pp <- wmppp(df)
r_irep <- seq(0, 300, by = 5)

syn <- read.csv("tests/data/dbmss/synthetic_points.csv")
syn_pp <- wmppp(data.frame(X = syn$x_km, Y = syn$y_km, PointType = syn$sector, PointWeight = syn$employees))
r_syn <- seq(0, 150, by = 2.5)

curve <- function(pp, register, reference, neighbor, r) {
  m <- Mhat(pp, r = r, ReferenceType = reference, NeighborType = neighbor)
  data.frame(register = register, reference = reference, neighbor = neighbor,
             n_reference = sum(pp$marks$PointType == reference),
             n_neighbor = sum(pp$marks$PointType == neighbor), r_km = r, m = m$M)
}

out <- rbind(
  curve(irep_pp, "irep", "1011Z", "0146Z", r_irep),  # slaughterhouses among pig farms
  curve(irep_pp, "irep", "2014Z", "2016Z", r_irep),  # organic chemicals and plastics in primary forms
  curve(irep_pp, "irep", "2561Z", "2562B", r_irep),  # metal treatment and machining
  curve(syn_pp, "synthetic", "S1", "S2", r_syn),
  curve(syn_pp, "synthetic", "S3", "S4", r_syn),
  curve(syn_pp, "synthetic", "S5", "S1", r_syn)
)
write.csv(out, "tests/data/dbmss/intertype_m_exact.csv", row.names = FALSE)
