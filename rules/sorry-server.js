// Sorry server on LB_FAILED: when no member of the pool can be reached (LB_FAILED runs after the tcp profile's
// connect timeout too), try the "sorry" pool once, else answer 503 from the edge.
// iRules: when LB_FAILED { if {[active_members sorry] > 0} { LB::reselect pool sorry } else { HTTP::respond 503 ... } }
when('HTTP_REQUEST', ctx => { ctx.lb.pool('web'); });

when('LB_FAILED', ctx => {
  if (!ctx.req.triedSorry && ctx.lb.activeMembers('sorry') > 0) {
    ctx.req.triedSorry = true;
    ctx.lb.pool('sorry');
    return;
  }
  ctx.http.respond(503, 'Service unavailable, please retry shortly.\n', { 'retry-after': '30', 'content-type': 'text/plain' });
});
