# bench-median.awk - the summary table of the bench guest scripts.
# Input lines: "<mode> <round> <stock IOPS> <our IOPS>"; a line with fewer
# fields is a note printed as it is.  Output per mode: median IOPS of each
# side, the median per-round ratio (ours / stock), every round's ratio.
# -v wk=<mode column width> -v wb=<our IOPS column width>
NF < 4 { printf "%-" wk "s %s\n", $1, $2; next }
{ k = $1; n[k]++; a[k, n[k]] = $3; b[k, n[k]] = $4
  r[k, n[k]] = ($3 > 0) ? $4 / $3 : 0; if (!(k in seen)) { seen[k] = 1; order[++m] = k } }
END {
  for (i = 1; i <= m; i++) {
    k = order[i]; c = n[k]; list = ""
    for (j = 1; j <= c; j++) { v[j] = r[k, j]; list = list sprintf("%.2f ", v[j]) }
    # medians by insertion sort: the ratio, and the IOPS of each side
    for (x = 2; x <= c; x++) for (y = x; y > 1 && v[y-1] > v[y]; y--) { t = v[y]; v[y] = v[y-1]; v[y-1] = t }
    for (j = 1; j <= c; j++) { sa[j] = a[k, j]; sb[j] = b[k, j] }
    for (x = 2; x <= c; x++) for (y = x; y > 1 && sa[y-1] > sa[y]; y--) { t = sa[y]; sa[y] = sa[y-1]; sa[y-1] = t }
    for (x = 2; x <= c; x++) for (y = x; y > 1 && sb[y-1] > sb[y]; y--) { t = sb[y]; sb[y] = sb[y-1]; sb[y-1] = t }
    mid = int((c + 1) / 2)
    printf "%-" wk "s %12d %" wb "d %7.2f   %s\n", k, sa[mid], sb[mid], v[mid], list
  }
}
