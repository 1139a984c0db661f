[x]
regex = (a
