"""The shop's models. Importing the package registers every table on Base.metadata."""

from models.base import Base
from models.customers import Customer
from models.orders import Order, OrderItem, OrderStatus
from models.products import Product

__all__ = ["Base", "Customer", "Order", "OrderItem", "OrderStatus", "Product"]
