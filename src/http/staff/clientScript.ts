/**
 * The one small script of the staff pages, served as /static/staff.js (the Content-Security-Policy allows no inline
 * script; there is no front-end build). It does three things:
 * - the grouped menu: one group open at a time, closed by a click elsewhere or Escape;
 * - canned replies: choosing one in a reply box's picker fills the box;
 * - live pages: it listens to /staff/live (server-sent events), keeps the unread counts in the menu and the tab
 *   title, refreshes in place the parts of the page marked `data-live-region="<topic>"` (fetched again from the
 *   server, so rows look exactly as on a reload), highlights new rows and plays a short tone for an urgent request
 *   unless the staff member switched the sound off (kept in this browser).
 */
export const staffClientJs = `(function(){
'use strict';
var groups=document.querySelectorAll('nav.main details.navgroup');
function closeAll(except){for(var i=0;i<groups.length;i++){if(groups[i]!==except)groups[i].open=false;}}
for(var i=0;i<groups.length;i++){groups[i].addEventListener('toggle',function(e){if(e.target.open)closeAll(e.target);});}
// A click on a group's heading closes the others at once (the toggle event comes a moment later).
document.addEventListener('click',function(e){var t=e.target;var g=t.closest&&t.closest('nav.main details.navgroup');if(!g)closeAll(null);else if(t.closest('summary'))closeAll(g);});
document.addEventListener('keydown',function(e){if(e.key==='Escape')closeAll(null);});

// Canned replies: choosing one fills its reply box (without script the "Chèn" button reloads with ?canned=).
document.querySelectorAll('select[data-canned-for]').forEach(function(sel){sel.addEventListener('change',function(){
  var opt=sel.options[sel.selectedIndex],box=document.getElementById(sel.getAttribute('data-canned-for'));
  if(!opt||!opt.value||!box)return;box.value=opt.getAttribute('data-text')||'';box.focus();
});});

var body=document.body;
if(!body||body.dataset.live!=='1'||!window.EventSource)return;
var baseTitle=document.title;
var urgentIds={};
var audio=null;
var soundKey='cadrecare.sound';
var soundBtn=document.getElementById('sound-toggle');
function soundOn(){try{return localStorage.getItem(soundKey)!=='off';}catch(e){return true;}}
function showSound(){if(!soundBtn)return;var on=soundOn();soundBtn.hidden=false;soundBtn.textContent=on?'Âm báo: bật':'Âm báo: tắt';soundBtn.setAttribute('aria-pressed',on?'true':'false');}
if(soundBtn){soundBtn.addEventListener('click',function(){try{localStorage.setItem(soundKey,soundOn()?'off':'on');}catch(e){}showSound();unlock();});showSound();}
function unlock(){var C=window.AudioContext||window.webkitAudioContext;if(!C)return;if(!audio)audio=new C();if(audio.state==='suspended')audio.resume();}
document.addEventListener('click',unlock,{once:true});
function tone(){
  body.dataset.alerts=String(Number(body.dataset.alerts||0)+1);
  if(!soundOn())return;
  body.dataset.tones=String(Number(body.dataset.tones||0)+1);
  try{unlock();if(!audio)return;var t=audio.currentTime;[0,0.35].forEach(function(d){var o=audio.createOscillator(),g=audio.createGain();o.type='sine';o.frequency.value=880;g.gain.setValueAtTime(0.0001,t+d);g.gain.exponentialRampToValueAtTime(0.3,t+d+0.02);g.gain.exponentialRampToValueAtTime(0.0001,t+d+0.3);o.connect(g);g.connect(audio.destination);o.start(t+d);o.stop(t+d+0.32);});}catch(e){}
}
function setCounts(c){
  var total=Number(c.requests||0)+Number(c.conversations||0);
  document.querySelectorAll('[data-live-count]').forEach(function(el){var k=el.getAttribute('data-live-count');var n=k==='total'?total:Number(c[k]||0);el.textContent=n>99?'99+':String(n);el.hidden=n===0;el.setAttribute('title',n+' chưa xử lý');});
  document.title=(total>0?'('+total+') ':'')+baseTitle;
}
function markNew(region,before){
  region.querySelectorAll('[data-live-id]').forEach(function(row){var id=row.getAttribute('data-live-id');if(urgentIds[id]&&row.classList.contains('urgent'))row.classList.add('live-urgent');if(!before[id])row.classList.add('live-new');});
}
var refreshing=false,again=false;
function refresh(topics){
  var regions=[].filter.call(document.querySelectorAll('[data-live-region]'),function(r){return topics.indexOf(r.getAttribute('data-live-region'))>=0;});
  if(!regions.length)return;
  if(refreshing){again=true;return;}
  refreshing=true;
  fetch(location.href,{credentials:'same-origin',headers:{'x-live-refresh':'1'}}).then(function(r){return r.ok?r.text():null;}).then(function(html){
    if(html===null)return;
    var doc=new DOMParser().parseFromString(html,'text/html');
    regions.forEach(function(region){
      var fresh=region.id?doc.getElementById(region.id):null;if(!fresh)return;
      var before={};region.querySelectorAll('[data-live-id]').forEach(function(r){before[r.getAttribute('data-live-id')]=1;});
      region.innerHTML=fresh.innerHTML;markNew(region,before);
    });
    body.dataset.refreshes=String(Number(body.dataset.refreshes||0)+1);
  }).catch(function(){}).then(function(){refreshing=false;if(again){again=false;refresh(topics);}});
}
var es=new EventSource('/staff/live');
es.addEventListener('open',function(){body.dataset.liveState='open';});
es.addEventListener('error',function(){body.dataset.liveState='reconnecting';});
es.addEventListener('counts',function(e){setCounts(JSON.parse(e.data));});
es.addEventListener('request',function(e){var r=JSON.parse(e.data);if(r.urgent){urgentIds['request-'+r.id]=1;tone();}});
es.addEventListener('changed',function(e){refresh(JSON.parse(e.data).topics||[]);});
})();
`;
