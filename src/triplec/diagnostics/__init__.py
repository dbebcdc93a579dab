"""Diagnostic studies of cluster records (issue 13): the district attributes, competitive path, value-chain
governance, problems, proposed instruments and indicators of a cluster, versioned, the latest completed
one being the cluster's baseline for the evaluation."""
