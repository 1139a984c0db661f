module github.com/libpiiscan/libpiiscan/bindings/go

go 1.19
