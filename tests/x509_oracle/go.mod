module x509oracle

go 1.27
