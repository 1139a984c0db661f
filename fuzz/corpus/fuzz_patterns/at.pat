[m]
regex = [a-z]+@[a-z]+\.com
trigger = at
confidence = low
context_required = yes
context = mail
