# SPDX-License-Identifier: MIT
# PSGI entry for the benchmark: RT's own rt-server application, with its
# Mason cache and session directories moved under $RT_DIR so that a run
# leaves the system's directories alone. Serve with
# plackup -s Starlet --max-workers N rt.psgi (what rt-server does, with
# the worker count exposed).
use strict;
use warnings;
use lib '/usr/share/request-tracker5/lib';
require RT;
$RT::MasonDataDir = "$ENV{RT_DIR}/mason_data";
$RT::MasonSessionDir = "$ENV{RT_DIR}/session_data";
my $app = do '/usr/share/request-tracker5/libexec/rt-server';
die "rt-server: $@" if $@;
$app;
