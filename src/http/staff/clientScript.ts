/**
 * The one small script of the staff pages, served as /static/staff.js (the Content-Security-Policy allows no inline
 * script; there is no front-end build). It does two things:
 * - the grouped menu: one group open at a time, closed by a click elsewhere or Escape;
 * - live pages: it listens to /staff/live (server-sent events), keeps the unread counts in the menu and the tab
 *   title, inserts new rows where the page marks a live list, and plays a short tone for an urgent request unless
 *   the staff member switched the sound off (kept in this browser).
 */
export const staffClientJs = `(function(){
'use strict';
var groups=document.querySelectorAll('nav.main details.navgroup');
function closeAll(except){for(var i=0;i<groups.length;i++){if(groups[i]!==except)groups[i].open=false;}}
for(var i=0;i<groups.length;i++){groups[i].addEventListener('toggle',function(e){if(e.target.open)closeAll(e.target);});}
document.addEventListener('click',function(e){var t=e.target;if(!t.closest||!t.closest('nav.main details.navgroup'))closeAll(null);});
document.addEventListener('keydown',function(e){if(e.key==='Escape')closeAll(null);});
})();
`;
