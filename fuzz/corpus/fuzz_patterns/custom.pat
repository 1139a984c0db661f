[acme]
name = x
regex = {{LB}}EMP{{DASH}}{{DIGIT}}{6}{{RB}}
trigger = digits 6
context = 사번, employee

[kr_phone]
enabled = no
