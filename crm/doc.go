// Package crm is the domain in the middle of salesbot: the types of a sales
// book (users, departments, customers, activities, deals, payments,
// appointments, complaints, targets, reports), the rules that govern them
// (company-name normalisation for duplicate claims, the deal stage model,
// amount and date parsing, permissions) and the interfaces the outer
// packages implement (stores, notifiers). It imports only the standard
// library and golang.org/x/text.
package crm
