[tag]
regex = {{LB}}{{DIGIT}}{4,8}(?:-{{DIGIT}}{2,4})?{{RB}}
trigger = digits 8 group 2-8
shape = 6+2 | 8 | 4+4
