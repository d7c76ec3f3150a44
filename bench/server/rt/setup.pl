#!/usr/bin/perl
# SPDX-License-Identifier: MIT
# Prepares a fresh Request Tracker database for the server benchmark: one
# queue per incident category, five handlers who may own tickets, a pool
# of reporters (requestors), and two API users with a handler's rights and
# a REST2 token each: "bench" (token hashed at the lowest bcrypt cost) and
# "bench-default" (RT's default cost). Prints "cost token" lines.
# Run with RT_SITE_CONFIG and RT_SITE_CONFIG_DIR pointing at the bench
# configuration.
use strict;
use warnings;
use lib '/usr/share/request-tracker5/lib';
use RT;
RT::LoadConfig();
RT::Init();

my $sys = RT->SystemUser;
my @categories = qw(scan defacement phishing malware_site dos targeted
    control_system other);
for my $name (@categories) {
	my $q = RT::Queue->new($sys);
	my ($id, $msg) = $q->Create(Name => $name,
	    Description => "incidents: $name");
	die "queue $name: $msg\n" unless $id;
}

my @handler_rights = qw(SeeQueue ShowTicket CreateTicket ModifyTicket
    ReplyToTicket CommentOnTicket OwnTicket TakeTicket);
sub user {
	my (%args) = @_;
	my $u = RT::User->new($sys);
	my ($id, $msg) = $u->Create(%args);
	die "user $args{Name}: $msg\n" unless $id;
	return $u;
}
for my $name (qw(sato suzuki takahashi tanaka watanabe)) {
	my $u = user(Name => $name, Privileged => 1,
	    EmailAddress => "$name\@csirt.example");
	for my $right (@handler_rights) {
		my ($ok, $msg) = $u->PrincipalObj->GrantRight(Right => $right,
		    Object => RT->System);
		die "$right: $msg\n" unless $ok;
	}
}
for my $i (1 .. 200) {
	user(Name => "reporter$i\@example.net",
	    EmailAddress => "reporter$i\@example.net", Privileged => 0);
}

# Two API users with the same rights, each with one token: RT checks a
# presented token against every token of its owner in turn, so a second
# token on the same user would add its bcrypt cost to every request.
# "bench" has a token hashed at bcrypt cost 4 (the lowest; the server
# must then run with $BcryptCost 4, or RT rehashes the token on first use),
# "bench-default" one at RT's default cost.
my $default_cost = RT->Config->Get('BcryptCost');
for my $spec (['bench', 4], ['bench-default', $default_cost]) {
	my ($name, $cost) = @$spec;
	my $u = user(Name => $name, Privileged => 1,
	    EmailAddress => "$name\@csirt.example");
	for my $right (@handler_rights, 'ManageAuthTokens') {
		my ($ok, $msg) = $u->PrincipalObj->GrantRight(Right => $right,
		    Object => RT->System);
		die "$right: $msg\n" unless $ok;
	}
	my $cu = RT::CurrentUser->new;
	$cu->Load($u->id);
	RT->Config->Set(BcryptCost => $cost);
	my $token = RT::AuthToken->new($cu);
	my ($id, $msg, $auth) = $token->Create(Owner => $u->id,
	    Description => "wrk, bcrypt cost $cost");
	die "token: $msg\n" unless $id;
	print "$cost $auth\n";
}
